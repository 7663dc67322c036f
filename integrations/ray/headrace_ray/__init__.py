"""headrace-ray: run a flow's tasks on Ray."""

from headrace_ray.context import remote_options
from headrace_ray.task_runners import RayTaskRunner

__all__ = ["RayTaskRunner", "remote_options"]
