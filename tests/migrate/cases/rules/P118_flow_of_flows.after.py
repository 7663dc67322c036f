from prefect import flow
from prefect.deployments import run_deployment

@flow(name="parent")
def parent():
    # TODO(headrace-migrate P118): replace <deployment> with the name of the deployment of flow "child" (or call the child @flow function directly as a subflow)
    child_id = run_deployment(name="child/<deployment>", parameters={"n": 2}, timeout=0)
