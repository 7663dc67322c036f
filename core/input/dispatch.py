"""Prefect's dual calling convention for the input and pause functions: called from async
code they return an awaitable, else they run and return the value.

"Async code" is decided as Prefect decides it: inside a task or flow run, by whether
that task or flow is async (a sync flow called from a coroutine still runs sync calls);
outside any run, by whether an event loop runs in this thread.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from headrace.context import FlowRunContext, TaskRunContext

F = TypeVar("F", bound=Callable[..., Any])


def in_async_context() -> bool:
    task_ctx = TaskRunContext.get()
    if task_ctx is not None:
        return bool(getattr(task_ctx.task, "isasync", True))
    flow_ctx = FlowRunContext.get()
    if flow_ctx is not None:
        return bool(getattr(flow_ctx.flow, "isasync", True))
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def dispatch_async(async_fn: Callable[..., Any]) -> Callable[[F], F]:
    """Decorate a sync function: in async code, calls go to `async_fn` instead.
    `_sync=True` forces the sync function, `_sync=False` the async one (Prefect's
    keyword)."""

    def decorate(sync_fn: F) -> F:
        @functools.wraps(sync_fn)
        def dispatcher(*args: Any, _sync: bool | None = None, **kwargs: Any) -> Any:
            run_sync = bool(_sync) if _sync is not None else not in_async_context()
            return sync_fn(*args, **kwargs) if run_sync else async_fn(*args, **kwargs)

        dispatcher.aio = async_fn  # type: ignore[attr-defined]
        return dispatcher  # type: ignore[return-value]

    return decorate
