from prefect import Flow, task
from prefect.storage import GitHub
from prefect.run_configs import KubernetesRun


@task
def hello():
    print("hi")


with Flow("etl", run_config=KubernetesRun(image="acme/etl:1", labels=["k8s"])) as flow:
    hello()

flow.storage = GitHub(repo="acme/flows", path="flows/etl.py")
flow.register(project_name="prod")
