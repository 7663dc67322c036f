from prefect.deployments import Deployment
from prefect.infrastructure import KubernetesJob
from flows import etl

Deployment.build_from_flow(flow=etl, name="k", infrastructure=KubernetesJob(image="etl:1", namespace="data"), infra_overrides={"env.A": "1"}, apply=True)
Deployment.build_from_flow(flow=etl, name="j", infrastructure=KubernetesJob.load("k8s")).apply()
