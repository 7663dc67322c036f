from prefect import flow
from prefect.deployments import run_deployment
from prefect.states import raise_state_exception

@flow(name="parent")
def parent():
    child_id = run_deployment(name="child/child", parameters={"n": 2}, timeout=0)
    report_run = run_deployment(
        name="{0}/{0}".format(REPORT_FLOW_NAME),
        flow_run_name="nightly report",
    )
    done = raise_state_exception(report_run.state) or report_run
