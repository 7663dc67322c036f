"""headrace-ray: run a flow's tasks on Ray."""

from importlib.metadata import version

from headrace_ray.context import remote_options
from headrace_ray.task_runners import RayTaskRunner

__version__ = version("headrace-ray")  # written once, in pyproject.toml

__all__ = ["RayTaskRunner", "remote_options"]
