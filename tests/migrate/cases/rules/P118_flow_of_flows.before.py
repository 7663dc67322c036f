from prefect import Flow
from prefect.tasks.prefect import create_flow_run

with Flow("parent") as flow:
    child_id = create_flow_run(flow_name="child", project_name="analytics", parameters={"n": 2})
