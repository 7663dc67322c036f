"""headrace-dask: run a flow's tasks on a Dask cluster."""

from importlib import import_module
from importlib.metadata import version

__version__ = version("headrace-dask")  # written once, in pyproject.toml

__all__ = ["DaskTaskRunner", "get_async_dask_client", "get_dask_client"]

#: public name -> submodule; imported on first use, since loading the plugin (every
#: `headrace` command does) must not import Dask itself
_EXPORTS = {
    "DaskTaskRunner": "task_runners",
    "get_async_dask_client": "utils",
    "get_dask_client": "utils",
}


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(import_module(f"headrace_dask.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'headrace_dask' has no attribute {name!r}")
