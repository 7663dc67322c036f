from prefect import task, flow
from prefect.blocks.system import Secret
import os


@task
def use(token, home):
    return token, home


# TODO(headrace-migrate P114): DaskExecutor options other than address/cluster_*/adapt/client dropped
@flow(name="dask")
def dask():
    # TODO(headrace-migrate P116): create a Secret block named "api-token" holding what the 1.x secret API_TOKEN held
    token = Secret.load("api-token").get()
    home = os.environ.get("HOME")
    use(token, home)

# TODO(headrace-migrate P116): create a Secret block named "db-password" holding what the 1.x secret DB_PASSWORD held
password = Secret.load("db-password").get()
