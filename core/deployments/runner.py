"""Prefect's `prefect.deployments.runner` names: deployment objects, the code storage
protocol and `deploy` / `adeploy`."""

from headrace.deployments.deploy import adeploy, deploy
from headrace.deployments.deployment import RunnerDeployment
from headrace.runner.storage import RunnerStorage
from headrace.types.entrypoint import EntrypointType

__all__ = ["EntrypointType", "RunnerDeployment", "RunnerStorage", "adeploy", "deploy"]
