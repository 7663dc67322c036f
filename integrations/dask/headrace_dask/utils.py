"""Dask clients for code inside flows and tasks, connected to the flow's cluster.

Workers do not hand a task a client for the whole cluster; these do, so a task can
compute Dask collections (`dask.dataframe`, `dask.bag`, ...) across every worker.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import Client

Timeout = int | float | str | timedelta | None


def _running_on_worker() -> bool:
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True


def _client_kwargs(timeout: Timeout, client_kwargs: dict[str, Any]) -> dict[str, Any]:
    """Fill in the scheduler address: the worker's one on a worker, else the flow's."""
    from headrace.context import FlowRunContext
    from headrace_dask.task_runners import DaskTaskRunner

    kwargs = dict(client_kwargs)
    if timeout is not None:
        kwargs["timeout"] = timeout
    if "address" in kwargs:
        return kwargs
    if _running_on_worker():
        from distributed import get_worker

        kwargs["address"] = get_worker().scheduler.address
        return kwargs
    flow_ctx = FlowRunContext.get()
    runner = getattr(flow_ctx, "task_runner", None)
    if not isinstance(runner, DaskTaskRunner):
        raise RuntimeError(
            "get_dask_client() needs a flow run that uses DaskTaskRunner (or an `address=`)"
        )
    kwargs["address"] = runner.client.scheduler.address
    return kwargs


def _in_worker_thread_pool() -> bool:
    """Is this thread one of the worker's task threads (not a helper thread of a call)?"""
    from distributed.worker import thread_state

    return getattr(thread_state, "key", None) is not None


@contextlib.contextmanager
def get_dask_client(timeout: Timeout = None, **client_kwargs: Any) -> Iterator[Client]:
    """A synchronous `distributed.Client` to the flow's cluster, closed on exit.

    On a Dask worker the task's thread leaves the worker's thread pool while the client
    is open, so work submitted from a task cannot starve the worker it waits on.
    """
    from distributed import Client, rejoin, secede

    kwargs = _client_kwargs(timeout, client_kwargs)
    seceded = _running_on_worker() and _in_worker_thread_pool()
    if seceded:
        secede()
    try:
        with Client(**kwargs) as client:
            yield client
    finally:
        if seceded:
            rejoin()


@contextlib.asynccontextmanager
async def get_async_dask_client(
    timeout: Timeout = None, **client_kwargs: Any
) -> AsyncIterator[Client]:
    """An asynchronous `distributed.Client` to the flow's cluster, closed on exit."""
    from distributed import Client

    kwargs = _client_kwargs(timeout, client_kwargs)
    async with Client(asynchronous=True, **kwargs) as client:
        yield client
