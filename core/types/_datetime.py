"""Prefect's `prefect.types._datetime` helpers: timezone-aware "now" and parsing.

`now()` reads headrace's clock (`headrace.utilities.clock`), so the test harness's clock
overrides apply; tests that patch this module's `now` (as Prefect's fixtures do) move
what result expiry sees.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from headrace.utilities import clock

DateTime = _dt.datetime
Date = _dt.date
Duration = _dt.timedelta


def _zone(tz: Any) -> _dt.tzinfo:
    if tz is None or tz == "UTC":
        return _dt.timezone.utc
    if isinstance(tz, _dt.tzinfo):
        return tz
    from zoneinfo import ZoneInfo

    return ZoneInfo(str(tz))


def now(tz: Any = "UTC") -> _dt.datetime:
    """The current time, aware, in `tz` (a zone name or tzinfo; default UTC)."""
    return _dt.datetime.fromtimestamp(clock.now(), tz=_zone(tz))


def from_timestamp(ts: float, tz: Any = "UTC") -> _dt.datetime:
    return _dt.datetime.fromtimestamp(ts, tz=_zone(tz))


def parse_datetime(value: str) -> _dt.datetime:
    """An ISO 8601 string as an aware datetime (UTC when it names no zone)."""
    parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)


def in_local_tz(value: _dt.datetime) -> _dt.datetime:
    return value.astimezone()


__all__ = ["Date", "DateTime", "Duration", "from_timestamp", "in_local_tz", "now", "parse_datetime"]
