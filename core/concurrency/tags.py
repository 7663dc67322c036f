"""Tag-based task concurrency: a task whose tags carry a limit waits for a slot on each.

A tag limit is the global limit named `tag:<tag>` (as in Prefect 3.4+). The engine calls
`occupy_tag_slots` for every task run with tags, so tags without limits must cost almost
nothing: the set of limited tags is cached for `HEADRACE_CONCURRENCY_TAG_CACHE_SECONDS`
(default 1 s; changes made in this process are seen at once).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, nullcontext
from typing import Any

from headrace.concurrency import limits
from headrace.concurrency._acquire import Request, wait_for_release
from headrace.concurrency.errors import ConcurrencySlotAcquisitionError
from headrace.settings import get_current_settings
from headrace.store import get_store

# (store, generation, expiry, {tag: slots})
_cache: tuple[Any, int, float, dict[str, int]] | None = None


def _tag_limits() -> dict[str, int]:
    global _cache
    store = get_store()
    cached = _cache
    if (
        cached is not None
        and cached[0] is store
        and cached[1] == limits.generation()
        and cached[2] > time.monotonic()
    ):
        return cached[3]
    ttl = get_current_settings().concurrency.tag_cache_seconds
    generation = limits.generation()
    found = {
        name[len(limits.TAG_PREFIX) :]: slots
        for name, slots in limits.limited_names(store).items()
        if name.startswith(limits.TAG_PREFIX)
    }
    _cache = (store, generation, time.monotonic() + ttl, found)
    return found


def _request(tags: set[str] | frozenset[str], task_ctx: Any) -> Request | None:
    """The acquisition a task run needs, or None when none of its tags is limited."""
    tag_limits = _tag_limits()
    if not tag_limits or tags.isdisjoint(tag_limits):
        return None
    limited = sorted(tag for tag in tags if tag in tag_limits)
    for tag in limited:
        if tag_limits[tag] == 0:
            raise ConcurrencySlotAcquisitionError(
                f"Task run aborted: the concurrency limit on tag {tag!r} is 0"
            )
    holder = task_ctx.task_run.id if task_ctx is not None else None
    names = [limits.TAG_PREFIX + tag for tag in limited]
    return Request(names, 1, None, strict=False, lease=True, holder=holder)


def _log_wait(task_ctx: Any, request: Request) -> None:
    if task_ctx is not None and request.tries == 1:
        tags = ", ".join(name[len(limits.TAG_PREFIX) :] for name in request.names)
        task_ctx.logger.info(f"Waiting for a concurrency slot on tag(s): {tags}")


_NO_SLOTS = nullcontext()  # reusable, sync and async: what untagged-by-limit tasks get


def occupy_tag_slots(tags: set[str] | frozenset[str], task_ctx: Any) -> Any:
    """A context manager holding one slot of every limited tag while the task's function runs."""
    request = _request(tags, task_ctx)
    return _NO_SLOTS if request is None else _hold(request, task_ctx)


def aoccupy_tag_slots(tags: set[str] | frozenset[str], task_ctx: Any) -> Any:
    """The async twin of `occupy_tag_slots`."""
    request = _request(tags, task_ctx)
    return _NO_SLOTS if request is None else _ahold(request, task_ctx)


@contextmanager
def _hold(request: Request, task_ctx: Any) -> Iterator[None]:
    while not request.attempt():
        _log_wait(task_ctx, request)
        wait_for_release(request.next_pause())
    try:
        yield
    finally:
        request.release()


@asynccontextmanager
async def _ahold(request: Request, task_ctx: Any) -> AsyncIterator[None]:
    import asyncio

    while not await asyncio.to_thread(request.attempt):
        _log_wait(task_ctx, request)
        await asyncio.sleep(request.next_pause())
    try:
        yield
    finally:
        await asyncio.to_thread(request.release)
