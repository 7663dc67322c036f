"""Prefect's dual calling convention for the input and pause functions: called from a
coroutine (an event loop runs in this thread) they return an awaitable, else they run."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def in_async_context() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def dispatch_async(async_fn: Callable[..., Any]) -> Callable[[F], F]:
    """Decorate a sync function: inside an event loop, calls go to `async_fn` instead.
    `_sync=True` forces the sync function (as Prefect's `_sync` keyword does)."""

    def decorate(sync_fn: F) -> F:
        @functools.wraps(sync_fn)
        def dispatcher(*args: Any, _sync: bool | None = None, **kwargs: Any) -> Any:
            if _sync is not True and (_sync is False or in_async_context()):
                return async_fn(*args, **kwargs)
            return sync_fn(*args, **kwargs)

        dispatcher.aio = async_fn  # type: ignore[attr-defined]
        return dispatcher  # type: ignore[return-value]

    return decorate
