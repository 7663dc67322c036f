"""headrace.utilities.asyncutils: the helpers library authors use beside the dual
calling convention (thread hand-offs, gather, shutdown callbacks, lazy semaphores)."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from contextlib import asynccontextmanager

import pytest

from headrace.utilities.asyncutils import (
    LazySemaphore,
    add_event_loop_shutdown_callback,
    gather,
    in_async_main_thread,
    in_async_worker_thread,
    is_async_fn,
    is_async_gen_fn,
    run_async_from_worker_thread,
    run_async_in_new_loop,
    run_coro_as_sync,
    run_sync_in_worker_thread,
    sync_compatible,
)

REQUEST = contextvars.ContextVar("request", default=None)


def test_async_function_kinds_are_seen_through_wrappers():
    async def fetch():
        return 1

    @functools.wraps(fetch)
    def wrapper():
        return fetch()

    @asynccontextmanager
    async def session():
        yield

    assert is_async_fn(wrapper) and is_async_fn(functools.partial(fetch))
    assert not is_async_fn(session) and is_async_gen_fn(session)
    with pytest.raises(ValueError, match="Async generators"):
        sync_compatible(session)
    with pytest.raises(TypeError, match="must be async"):
        sync_compatible(lambda: None)


def test_worker_threads_reach_back_to_their_loop():
    async def double(x):
        assert in_async_main_thread()
        return 2 * x

    def blocking():
        assert in_async_worker_thread() and not in_async_main_thread()
        return run_async_from_worker_thread(double, 21)

    async def main():
        assert in_async_main_thread() and not in_async_worker_thread()
        return await run_sync_in_worker_thread(blocking)

    assert run_async_in_new_loop(main) == 42
    assert not in_async_main_thread()

    async def nested():
        with pytest.raises(RuntimeError, match="Already running"):
            run_async_in_new_loop(main)

    asyncio.run(nested())


def test_run_coro_as_sync_inside_a_loop_keeps_context_variables():
    async def read():
        return REQUEST.get()

    async def handler():
        REQUEST.set("req-7")
        return run_coro_as_sync(read())  # a loop runs here: a helper thread runs it

    assert asyncio.run(handler()) == "req-7"


def test_gather_keeps_order_and_cancels_the_rest_on_error():
    started = []

    async def slow(i):
        started.append(i)
        await asyncio.sleep(0.01 * (5 - i))
        return i

    async def boom():
        raise KeyError("bad")

    async def main():
        assert await gather(*[functools.partial(slow, i) for i in range(5)]) == [0, 1, 2, 3, 4]
        hanging = asyncio.Event()

        async def never():
            await hanging.wait()

        with pytest.raises(KeyError):
            await gather(never, boom)

    asyncio.run(main())


def test_shutdown_callbacks_run_when_asyncio_run_closes_the_loop():
    called = threading.Event()

    async def on_close():
        called.set()

    async def main():
        await add_event_loop_shutdown_callback(on_close)
        assert not called.is_set()

    asyncio.run(main())
    assert called.is_set()

    loop = asyncio.new_event_loop()
    later = threading.Event()

    async def register():
        async def mark():
            later.set()

        await add_event_loop_shutdown_callback(mark)

    loop.run_until_complete(register())  # never shut down: the callback does not run
    assert not later.is_set()
    loop.run_until_complete(loop.shutdown_asyncgens())
    assert later.is_set()
    loop.close()


def test_lazy_semaphore_is_made_in_the_loop_that_uses_it():
    sizes = iter([2])
    semaphore = LazySemaphore(lambda: next(sizes))
    assert semaphore._semaphore is None

    async def main():
        async with semaphore as inner:
            assert isinstance(inner, asyncio.Semaphore) and inner._value == 1
        assert semaphore._semaphore._value == 2

    asyncio.run(main())
