"""`concurrency` and `rate_limit` for async code (Prefect 3's `prefect.concurrency.asyncio`).

The store is reached from a worker thread so a busy database never blocks the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from headrace.concurrency._acquire import Request

__all__ = ["concurrency", "rate_limit"]


async def _wait(request: Request) -> None:
    while not await asyncio.to_thread(request.attempt):
        await asyncio.sleep(request.next_pause())


@asynccontextmanager
async def concurrency(
    names: str | list[str],
    occupy: int = 1,
    timeout_seconds: float | None = None,
    max_retries: int | None = None,
    lease_duration: float | None = None,
    strict: bool = False,
    holder: str | None = None,
) -> AsyncIterator[None]:
    """Hold `occupy` slots of each named limit for the duration of the block (see the
    sync version for the rules)."""
    request = Request(
        names, occupy, timeout_seconds, strict, True, lease_duration, holder, max_retries
    )
    await _wait(request)
    try:
        yield
    finally:
        await asyncio.to_thread(request.release)


async def rate_limit(
    names: str | list[str],
    occupy: int = 1,
    timeout_seconds: float | None = None,
    strict: bool = False,
) -> None:
    """Wait for and take `occupy` decaying slots on each named limit."""
    await _wait(Request(names, occupy, timeout_seconds, strict, lease=False))
