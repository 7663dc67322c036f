"""headrace-dask: run a flow's tasks on a Dask cluster."""

from headrace_dask.task_runners import DaskTaskRunner
from headrace_dask.utils import get_async_dask_client, get_dask_client

__all__ = ["DaskTaskRunner", "get_async_dask_client", "get_dask_client"]
