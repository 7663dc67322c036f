"""The wall clock used for cache expiry and schedules, replaceable in tests.

Tests drive time by installing a controllable clock (see `headrace.testing`'s `clock`
fixture) instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable

_now: Callable[[], float] = time.time


def now() -> float:
    """Seconds since the epoch, from the installed clock."""
    return _now()


def get_clock() -> Callable[[], float]:
    """The installed clock (to restore it later)."""
    return _now


def set_clock(clock: Callable[[], float] | None) -> Callable[[], float]:
    """Install a clock (None restores the real one); returns the previous clock."""
    global _now
    previous = _now
    _now = clock or time.time
    return previous


_sleep: Callable[[float], None] = time.sleep


def sleep(seconds: float) -> None:
    """Sleep for retry delays; tests replace it to make retries instant or clock-driven."""
    _sleep(seconds)


def get_sleep() -> Callable[[float], None]:
    """The installed sleep function (to restore it later)."""
    return _sleep


def set_sleep(sleeper: Callable[[float], None] | None) -> Callable[[float], None]:
    """Install a sleep function (None restores `time.sleep`); returns the previous one."""
    global _sleep
    previous = _sleep
    _sleep = sleeper or time.sleep
    return previous


async def asleep(seconds: float) -> None:
    """The async twin of `sleep`, honouring an installed replacement."""
    if _sleep is time.sleep:
        import asyncio

        await asyncio.sleep(seconds)
    else:
        _sleep(seconds)
