from prefect import Flow, task
from prefect.executors import DaskExecutor, LocalExecutor
from prefect.tasks.secrets import EnvVarSecret, PrefectSecret
from prefect.client import Secret


@task
def use(token, home):
    return token, home


with Flow("dask", executor=DaskExecutor(address="tcp://scheduler:8786", debug=True)) as flow:
    token = PrefectSecret("API_TOKEN")
    home = EnvVarSecret("HOME")
    use(token, home)

flow.executor = LocalExecutor()
password = Secret("DB_PASSWORD").get()
