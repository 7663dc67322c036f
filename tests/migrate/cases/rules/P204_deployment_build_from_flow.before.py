from prefect.deployments import Deployment
from flows import etl

deployment = Deployment.build_from_flow(
    flow=etl,
    name="prod",
    work_queue_name="default",
    infra_overrides={"env.MODE": "prod"},
)
deployment.apply()
