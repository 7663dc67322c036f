"""Prefect 3's dual calling convention for a few functions: the sync spelling hands back
an awaitable where the caller is async (an async flow or task, or a running event loop
outside any run), so Prefect code that writes `await create_markdown_artifact(...)` or
`await webhook.call(...)` keeps working, and plain sync code gets the value at once."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

R = TypeVar("R")


def in_async_context() -> bool:
    """True inside an async flow or task, or (outside runs) under a running event loop."""
    from headrace.context import FlowRunContext, TaskRunContext

    ctx = TaskRunContext.get()
    if ctx is not None:
        return bool(ctx.task.isasync)
    ctx = FlowRunContext.get()
    if ctx is not None:
        return bool(ctx.flow.isasync)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def dispatch(
    async_impl: Callable[..., Coroutine[Any, Any, R]],
) -> Callable[[Callable[..., R]], Callable[..., Any]]:
    """Call the decorated sync function, or `async_impl` in an async context; `_sync=True`
    forces the sync one (Prefect's switch), and `.aio` is the async twin."""

    def decorate(sync_fn: Callable[..., R]) -> Callable[..., Any]:
        @functools.wraps(sync_fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            sync = kwargs.pop("_sync", None)
            run_sync = bool(sync) if sync is not None else not in_async_context()
            return (sync_fn if run_sync else async_impl)(*args, **kwargs)

        call.aio = async_impl  # type: ignore[attr-defined]
        return call

    return decorate
