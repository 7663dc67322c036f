"""The dual calling convention: one method name that works in sync and async code.

Prefect 3 lets `Variable.get("x")` return the value in sync code and a coroutine in
async code (`await Variable.get("x")`), and keeps explicit twins (`Variable.aget`).
`async_dispatch(async_twin)` gives a sync method that behaviour; `_sync=True` forces the
sync path. `sync_compatible` turns an async function into one that also runs to
completion when called from sync code (Prefect 2's decorator, still used by plugins).
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

R = TypeVar("R")
#: inspect.CO_COROUTINE, without importing inspect (or asyncio): `import headrace` stays fast
_CO_COROUTINE = 0x80

__all__ = [
    "async_dispatch",
    "call_sync",
    "in_async_context",
    "is_async_fn",
    "run_coro_as_sync",
    "run_sync_in_worker_thread",
    "sync_compatible",
]


def _no_run() -> bool | None:
    return None


#: answers "is the current run async?" (None outside any run); registered by
#: headrace.context, which sits above this module and so cannot be imported from here
_run_is_async: Callable[[], bool | None] = _no_run


def register_run_probe(probe: Callable[[], bool | None]) -> None:
    """Tell `in_async_context` how to find out whether the current run is async."""
    global _run_is_async
    _run_is_async = probe


def in_async_context() -> bool:
    """True where a plain call should hand back a coroutine: inside an async task or flow,
    or (outside any run) while an event loop runs in this thread."""
    run_is_async = _run_is_async()
    if run_is_async is not None:
        return run_is_async
    # no asyncio imported: no event loop can be running
    aio = sys.modules.get("asyncio")
    return aio is not None and aio._get_running_loop() is not None


def _is_coroutine_function(fn: Any) -> bool:
    code = getattr(fn, "__code__", None)
    return code is not None and bool(code.co_flags & _CO_COROUTINE)


def _plain_function(fn: Any) -> Callable[..., Any]:
    return fn.__func__ if isinstance(fn, (classmethod, staticmethod)) else fn


def async_dispatch(
    async_impl: Callable[..., Coroutine[Any, Any, R]] | classmethod,
) -> Callable[[Callable[..., R]], Callable[..., R | Coroutine[Any, Any, R]]]:
    """Decorate a sync method: in async code it returns `async_impl(...)` (a coroutine)
    instead. `_sync=True`/`False` chooses explicitly; `.aio` is the async twin."""
    async_fn = _plain_function(async_impl)
    if not _is_coroutine_function(async_fn):
        raise TypeError(f"async_dispatch needs an async function, not {async_fn!r}")

    def decorator(sync_fn: Callable[..., R]) -> Callable[..., R | Coroutine[Any, Any, R]]:
        @functools.wraps(sync_fn)
        def dispatch(*args: Any, _sync: bool | None = None, **kwargs: Any) -> Any:
            if _sync is None:
                _sync = not in_async_context()
            return (sync_fn if _sync else async_fn)(*args, **kwargs)

        dispatch.aio = async_fn  # type: ignore[attr-defined]
        return dispatch

    return decorator


def run_coro_as_sync(coroutine: Awaitable[R]) -> R:
    """Run a coroutine to completion from sync code, also where this thread already runs
    an event loop (then in a fresh thread with its own loop, so the caller's loop is not
    re-entered)."""

    import asyncio

    async def _await() -> R:
        return await coroutine

    if asyncio._get_running_loop() is None:
        return asyncio.run(_await())
    outcome: dict[str, Any] = {}

    def _runner() -> None:
        try:
            outcome["value"] = asyncio.run(_await())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=_runner, name="headrace-run-coro", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def sync_compatible(async_fn: Callable[..., Coroutine[Any, Any, R]]) -> Callable[..., Any]:
    """An async function that sync callers can call too: in sync code it runs to
    completion and returns the value, in async code it returns the coroutine.
    `_sync=True`/`False` chooses explicitly; `.aio` is the async function itself."""
    fn = _plain_function(async_fn)
    if not _is_coroutine_function(fn):
        raise TypeError(f"sync_compatible needs an async function, not {fn!r}")

    @functools.wraps(fn)
    def wrapper(*args: Any, _sync: bool | None = None, **kwargs: Any) -> Any:
        if _sync is None:
            _sync = not in_async_context()
        coroutine = fn(*args, **kwargs)
        return run_coro_as_sync(coroutine) if _sync else coroutine

    wrapper.aio = fn  # type: ignore[attr-defined]
    return wrapper


def is_async_fn(fn: Any) -> bool:
    """True for a coroutine function (also behind `functools.partial` or `.fn`)."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    return _is_coroutine_function(getattr(fn, "fn", fn)) or _is_coroutine_function(fn)


async def run_sync_in_worker_thread(fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """Call a blocking function without blocking the event loop (context vars follow)."""
    import asyncio

    return await asyncio.to_thread(fn, *args, **kwargs)


def call_sync(method: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """Call `method` for its value from any context: a dual (`async_dispatch`) one is told
    `_sync=True`; a plain one (e.g. a third party's storage block) is called as it is."""
    if getattr(method, "aio", None) is not None:
        return method(*args, _sync=True, **kwargs)
    return method(*args, **kwargs)
