"""headrace-dask: run a flow's tasks on a Dask cluster."""

from importlib.metadata import version

from headrace_dask.task_runners import DaskTaskRunner
from headrace_dask.utils import get_async_dask_client, get_dask_client

__version__ = version("headrace-dask")  # written once, in pyproject.toml

__all__ = ["DaskTaskRunner", "get_async_dask_client", "get_dask_client"]
