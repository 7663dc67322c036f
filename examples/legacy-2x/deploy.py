"""Builds and applies the 2.x deployment of the ETL flow."""
from prefect.deployments import Deployment
from prefect.infrastructure import Process
from prefect.server.schemas.schedules import CronSchedule

from flows.etl import etl

deployment = Deployment.build_from_flow(
    flow=etl,
    name="nightly",
    work_queue_name="default",
    infrastructure=Process(),
    schedule=CronSchedule(cron="0 6 * * *", timezone="UTC"),
    parameters={"n": 5},
)

if __name__ == "__main__":
    deployment.apply()
