from prefect import flow, serve
from prefect.deployments import Deployment
from prefect.client.schemas.schedules import IntervalSchedule
from datetime import timedelta


@flow
def etl():
    pass


Deployment.build_from_flow(flow=etl, name="hourly", apply=True, schedule=IntervalSchedule(interval=timedelta(hours=1)))
Deployment.build_from_flow(etl, "daily", work_pool_name="pool").apply()
etl.serve(name="x", schedule=IntervalSchedule(interval=3600))
