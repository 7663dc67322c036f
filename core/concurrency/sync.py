"""`concurrency` and `rate_limit` for synchronous code (Prefect 3's `prefect.concurrency.sync`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from headrace.concurrency._acquire import Request, wait_for_release

__all__ = ["concurrency", "rate_limit"]


def _wait(request: Request) -> None:
    while not request.attempt():
        wait_for_release(request.next_pause())


@contextmanager
def concurrency(
    names: str | list[str],
    occupy: int = 1,
    timeout_seconds: float | None = None,
    max_retries: int | None = None,
    lease_duration: float | None = None,
    strict: bool = False,
    holder: str | None = None,
) -> Iterator[None]:
    """Hold `occupy` slots of each named limit for the duration of the block.

    Waits (polling with backoff) until every limit has room; raises
    `AcquireConcurrencySlotTimeoutError` (a TimeoutError) after `timeout_seconds`. A limit
    that does not exist is skipped with one warning, or is an error with `strict=True`.
    """
    request = Request(
        names, occupy, timeout_seconds, strict, True, lease_duration, holder, max_retries
    )
    _wait(request)
    try:
        yield
    finally:
        request.release()


def rate_limit(
    names: str | list[str],
    occupy: int = 1,
    timeout_seconds: float | None = None,
    strict: bool = False,
) -> None:
    """Wait until `occupy` slots are free on each named limit and take them for good:
    they drain at the limit's `slot_decay_per_second`, which paces the callers."""
    _wait(Request(names, occupy, timeout_seconds, strict, lease=False))
