from prefect import Flow
from prefect.tasks.prefect import create_flow_run, wait_for_flow_run

with Flow("parent") as flow:
    child_id = create_flow_run(flow_name="child", project_name="analytics", parameters={"n": 2})
    report_run = create_flow_run(
        flow_name=REPORT_FLOW_NAME,
        run_name="nightly report",
    )
    done = wait_for_flow_run(report_run, stream_logs=True, raise_final_state=True)
