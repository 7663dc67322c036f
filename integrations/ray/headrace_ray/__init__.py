"""headrace-ray: run a flow's tasks on Ray."""

from importlib import import_module
from importlib.metadata import version

__version__ = version("headrace-ray")  # written once, in pyproject.toml

__all__ = ["RayTaskRunner", "remote_options"]

#: public name -> submodule; imported on first use, since loading the plugin (every
#: `headrace` command does) must not import Ray itself
_EXPORTS = {
    "RayTaskRunner": "task_runners",
    "remote_options": "context",
}


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(import_module(f"headrace_ray.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'headrace_ray' has no attribute {name!r}")
