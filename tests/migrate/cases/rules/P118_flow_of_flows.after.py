from prefect import flow
from prefect.deployments import run_deployment
from prefect.states import raise_state_exception

@flow(name="parent")
def parent():
    # TODO(headrace-migrate P118): replace <deployment> with the name of the deployment of flow "child" (or call the child @flow function directly as a subflow)
    child_id = run_deployment(name="child/<deployment>", parameters={"n": 2}, timeout=0)
    # TODO(headrace-migrate P118): replace <deployment> with the name of the deployment of flow REPORT_FLOW_NAME (or call the child @flow function directly as a subflow)
    report_run = run_deployment(
        name=REPORT_FLOW_NAME + "/<deployment>",
        flow_run_name="nightly report",
    )
    done = raise_state_exception(report_run.state) or report_run
