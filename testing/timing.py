"""Controllable time for tests: a fake clock and instant retry delays.

headrace reads the time for cache expiry and schedules through
`headrace.utilities.clock.now()` and waits out retry delays through `clock.sleep()`;
both are replaced here, so tests drive time instead of waiting for it.
"""

from __future__ import annotations

import datetime as _dt
import threading
import time

__all__ = ["FakeClock", "InstantSleep"]


def _to_timestamp(when: _dt.datetime | float | str) -> float:
    if isinstance(when, str):
        when = _dt.datetime.fromisoformat(when)
    if isinstance(when, _dt.datetime):
        if when.tzinfo is None:
            raise ValueError(f"give the clock an aware datetime (with tzinfo), not {when!r}")
        return when.timestamp()
    return float(when)


class FakeClock:
    """A clock that only moves when told to (or when a retry delay 'sleeps')."""

    def __init__(self, start: _dt.datetime | float | str | None = None) -> None:
        self._lock = threading.Lock()
        self._now = time.time() if start is None else _to_timestamp(start)

    def time(self) -> float:
        """Seconds since the epoch, as `time.time()` would say."""
        return self._now

    def now(self) -> _dt.datetime:
        """The current fake time as an aware UTC datetime."""
        return _dt.datetime.fromtimestamp(self._now, tz=_dt.timezone.utc)

    def advance(self, delta: float | _dt.timedelta) -> None:
        """Move time forward by seconds or a timedelta."""
        seconds = delta.total_seconds() if isinstance(delta, _dt.timedelta) else float(delta)
        if seconds < 0:
            raise ValueError("time only moves forward; use set() to jump anywhere")
        with self._lock:
            self._now += seconds

    def set(self, when: _dt.datetime | float | str) -> None:
        """Jump to a point in time (an aware datetime, an ISO string or a timestamp)."""
        with self._lock:
            self._now = _to_timestamp(when)

    def __repr__(self) -> str:
        return f"FakeClock({self.now().isoformat()})"


class InstantSleep:
    """Stands in for retry-delay sleeps: records each delay and returns at once.

    With a `clock` (a FakeClock) the delay advances it, so time still appears to pass.
    """

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.delays: list[float] = []
        self.clock = clock

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.clock is not None:
            self.clock.advance(seconds)

    @property
    def total(self) -> float:
        """Seconds the run would have slept in total."""
        return sum(self.delays)
