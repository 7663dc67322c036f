"""The dual calling convention: one method name that works in sync and async code.

Prefect 3 lets `Variable.get("x")` return the value in sync code and a coroutine in
async code (`await Variable.get("x")`), and keeps explicit twins (`Variable.aget`).
`async_dispatch(async_twin)` gives a sync method that behaviour; `_sync=True` forces the
sync path. `sync_compatible` turns an async function into one that also runs to
completion when called from sync code (Prefect 2's decorator, still used by plugins).
"""

from __future__ import annotations

import contextvars
import functools
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

R = TypeVar("R")
#: inspect.CO_COROUTINE and CO_ASYNC_GENERATOR, without importing inspect (or asyncio):
#: `import headrace` stays fast
_CO_COROUTINE = 0x80
_CO_ASYNC_GENERATOR = 0x200

__all__ = [
    "LazySemaphore",
    "add_event_loop_shutdown_callback",
    "async_dispatch",
    "call_sync",
    "gather",
    "in_async_context",
    "in_async_main_thread",
    "in_async_worker_thread",
    "is_async_fn",
    "is_async_gen_fn",
    "run_async_from_worker_thread",
    "run_async_in_new_loop",
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

    # the caller's context variables (run contexts, settings) follow into the new loop
    context = contextvars.copy_context()
    thread = threading.Thread(
        target=context.run, args=(_runner,), name="headrace-run-coro", daemon=True
    )
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
    if is_async_gen_fn(fn):
        raise ValueError("Async generators cannot yet be marked as `sync_compatible`")
    if not _is_coroutine_function(fn):
        raise TypeError(f"sync_compatible: {fn!r} must be async")

    @functools.wraps(fn)
    def wrapper(*args: Any, _sync: bool | None = None, **kwargs: Any) -> Any:
        if _sync is None:
            _sync = not in_async_context()
        coroutine = fn(*args, **kwargs)
        return run_coro_as_sync(coroutine) if _sync else coroutine

    wrapper.aio = fn  # type: ignore[attr-defined]
    return wrapper


def _unwrapped(fn: Any) -> Any:
    """The function behind `functools.partial`, `functools.wraps` wrappers and `.fn`."""
    seen: set[int] = set()
    while id(fn) not in seen:
        seen.add(id(fn))
        if isinstance(fn, functools.partial):
            fn = fn.func
        elif hasattr(fn, "__wrapped__"):
            fn = fn.__wrapped__
        elif hasattr(fn, "fn") and callable(fn.fn):
            fn = fn.fn
    return fn


def is_async_fn(fn: Any) -> bool:
    """True for a coroutine function, also behind `functools.partial`, `functools.wraps`
    wrappers or a task/flow's `.fn` (an async context manager is not one)."""
    return _is_coroutine_function(fn) or _is_coroutine_function(_unwrapped(fn))


def is_async_gen_fn(fn: Any) -> bool:
    """True for an async generator function (what `asynccontextmanager` wraps)."""
    code = getattr(_unwrapped(fn), "__code__", None)
    return code is not None and bool(code.co_flags & _CO_ASYNC_GENERATOR)


#: the event loop that handed the current worker thread its work, if any
_WORKER_OF: contextvars.ContextVar[Any] = contextvars.ContextVar("headrace_worker_of", default=None)


def _loop_in_this_thread() -> Any:
    aio = sys.modules.get("asyncio")
    return None if aio is None else aio._get_running_loop()


def in_async_main_thread() -> bool:
    """True in the main thread while it runs an event loop."""
    return threading.current_thread() is threading.main_thread() and (
        _loop_in_this_thread() is not None
    )


def in_async_worker_thread() -> bool:
    """True in a thread running work handed over by `run_sync_in_worker_thread`."""
    return _WORKER_OF.get() is not None and _loop_in_this_thread() is None


async def run_sync_in_worker_thread(fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """Call a blocking function without blocking the event loop (context vars follow);
    inside it, `run_async_from_worker_thread` reaches back to this loop."""
    import asyncio

    loop = asyncio.get_running_loop()

    def call() -> R:
        _WORKER_OF.set(loop)  # in the thread's copy of the context only
        return fn(*args, **kwargs)

    return await asyncio.to_thread(call)


def run_async_from_worker_thread(fn: Callable[..., Awaitable[R]], *args: Any, **kwargs: Any) -> R:
    """From a `run_sync_in_worker_thread` thread: run `fn` on the event loop that handed
    the work over and wait for its result."""
    import asyncio

    loop = _WORKER_OF.get()
    if loop is None:
        raise RuntimeError("run_async_from_worker_thread needs a run_sync_in_worker_thread thread")

    async def call() -> R:
        return await fn(*args, **kwargs)

    return asyncio.run_coroutine_threadsafe(call(), loop).result()


def run_async_in_new_loop(fn: Callable[..., Awaitable[R]], *args: Any, **kwargs: Any) -> R:
    """Run `fn` in a new event loop; RuntimeError where this thread already runs one."""
    import asyncio

    if _loop_in_this_thread() is not None:
        raise RuntimeError("Already running an event loop in this thread: await it instead")

    async def call() -> R:
        return await fn(*args, **kwargs)

    return asyncio.run(call())


async def gather(*calls: Callable[[], Awaitable[Any]]) -> list[Any]:
    """Run zero-argument async callables concurrently; their results in order. The first
    error cancels the others and is raised."""
    import asyncio

    tasks = [asyncio.ensure_future(call()) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        raise


class LazySemaphore:
    """An asyncio semaphore created on first use, inside the loop that uses it, with a
    size read then (e.g. from a setting)."""

    def __init__(self, initial_value_func: Callable[[], int]) -> None:
        self._initial_value_func = initial_value_func
        self._semaphore: Any = None

    def _initialize_semaphore(self) -> None:
        import asyncio

        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self._initial_value_func())

    async def __aenter__(self) -> Any:
        self._initialize_semaphore()
        await self._semaphore.acquire()
        return self._semaphore

    async def __aexit__(self, *exc_info: Any) -> None:
        self._semaphore.release()


#: shutdown hooks kept alive until their loop closes them
_SHUTDOWN_HOOKS: set[Any] = set()


async def add_event_loop_shutdown_callback(coroutine_fn: Callable[[], Awaitable[Any]]) -> None:
    """Await `coroutine_fn()` when the running loop shuts down through `asyncio.run` (or
    anything else that finalizes async generators); a loop only run until a task
    completes, and never shut down, does not call it."""

    async def on_shutdown() -> Any:
        try:
            yield
        finally:
            _SHUTDOWN_HOOKS.discard(hook)
            await coroutine_fn()

    hook = on_shutdown()
    _SHUTDOWN_HOOKS.add(hook)
    await hook.__anext__()


def call_sync(method: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """Call `method` for its value from any context: a dual (`async_dispatch`) one is told
    `_sync=True`; a plain one (e.g. a third party's storage block) is called as it is."""
    if getattr(method, "aio", None) is not None:
        return method(*args, _sync=True, **kwargs)
    return method(*args, **kwargs)
