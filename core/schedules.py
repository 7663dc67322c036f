"""Schedules: `Cron`, `Interval` and `RRule` (Prefect 3's `prefect.schedules`).

Every schedule answers one question, `get_dates(n, start, end)`: the next run times, as
timezone-aware datetimes in the schedule's timezone. Daylight-saving rules follow Prefect:

- `Cron` works on wall-clock time: `0 9 * * *` runs at 09:00 local all year; a time that a
  spring-forward skips runs at the end of the gap (02:30 -> 03:00), a time that a fall-back
  repeats runs once (its first occurrence); an hourly cron therefore pauses two hours on
  the fall-back night.
- `Interval` of whole days keeps the anchor's wall-clock time across DST; shorter (or
  fractional-day) intervals are exact elapsed time, so an hourly schedule fires every
  UTC hour and shows 01:00 local twice on the night clocks go back.
- `RRule` follows dateutil's recurrence rules in wall-clock time, with the same gap rule.

cronsim and dateutil are imported only when a schedule is built.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from headrace.utilities import clock

__all__ = [
    "Cron",
    "CronSchedule",
    "Interval",
    "IntervalSchedule",
    "RRule",
    "RRuleSchedule",
    "Schedule",
    "schedule_from_dict",
]

_DAY = 86400.0
_SEARCH_LIMIT = 10_000  # candidates examined per call, so an impossible rule cannot hang


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown timezone {name!r}; use an IANA name like 'Europe/Paris'"
        ) from exc


def _localize(wall: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A naive wall-clock time in `tz` as an aware time.

    A repeated time (fall-back) means its first occurrence; a time that a spring-forward
    skips moves to the end of the gap (02:30 becomes 03:00), the way cron runs such jobs.
    """
    aware = wall.replace(tzinfo=tz, fold=0)
    while aware.astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None) != wall:
        wall += dt.timedelta(minutes=1)
        aware = wall.replace(tzinfo=tz, fold=0)
    return aware


class Schedule:
    """What all schedules share: timezone, on/off switch, parameter overrides and a slug."""

    kind = "schedule"

    def __init__(
        self,
        timezone: str | None = None,
        active: bool = True,
        parameters: dict[str, Any] | None = None,
        slug: str | None = None,
    ) -> None:
        self.timezone = timezone or "UTC"
        self.tz = _zone(self.timezone)
        self.active = active
        self.parameters = dict(parameters or {})
        self.slug = slug

    def _candidates(self, start: dt.datetime) -> Iterator[dt.datetime]:
        """Aware run times at or after `start`, in order (duplicates allowed)."""
        raise NotImplementedError

    def get_dates(
        self,
        n: int | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
    ) -> list[dt.datetime]:
        """The next `n` run times (default 1 without `end`) from `start` (default now) up to
        and including `end`, strictly increasing, in the schedule's timezone. At most
        10,000 candidate times are examined per call, so a rule that never matches ends."""
        if n is None and end is None:
            n = 1
        if start is None:
            start = dt.datetime.fromtimestamp(clock.now(), tz=dt.timezone.utc)
        elif start.tzinfo is None:
            start = start.replace(tzinfo=self.tz)
        if end is not None and end.tzinfo is None:
            end = end.replace(tzinfo=self.tz)
        # compare instants as timestamps: Python compares two datetimes of the same zone by
        # wall-clock time, which cannot tell the two 01:30s of a fall-back night apart
        first = start.timestamp()
        stop = math.inf if end is None else end.timestamp()
        dates: list[dt.datetime] = []
        last = -math.inf
        for examined, candidate in enumerate(self._candidates(start.astimezone(self.tz))):
            instant = candidate.timestamp()
            if examined >= _SEARCH_LIMIT or instant > stop:
                break
            if instant < first or instant <= last:
                continue
            dates.append(candidate)
            last = instant
            if n is not None and len(dates) >= n:
                break
        return dates

    def _common(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "timezone": self.timezone,
            "active": self.active,
            "parameters": self.parameters,
            "slug": self.slug,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description; `schedule_from_dict` rebuilds the schedule."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schedule) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{key}={value!r}" for key, value in self.to_dict().items() if key != "type"
        )
        return f"{type(self).__name__}({fields})"


class Cron(Schedule):
    """Runs at the times a cron expression matches, read in `timezone` (default UTC).

    `day_or=True` (the default) ORs day-of-month and day-of-week when both are restricted,
    like cron; `day_or=False` requires both.
    """

    kind = "cron"

    def __init__(
        self,
        cron: str,
        timezone: str | None = None,
        day_or: bool = True,
        active: bool = True,
        parameters: dict[str, Any] | None = None,
        slug: str | None = None,
    ) -> None:
        super().__init__(timezone, active, parameters, slug)
        self.cron = cron.strip()
        self.day_or = day_or
        next(iter(self._candidates(dt.datetime(2020, 1, 1, tzinfo=self.tz))), None)

    def _simulator(self, start: dt.datetime) -> Any:
        from cronsim import CronSim, CronSimError

        try:
            # wall-clock iteration: cron matches local times, not elapsed time
            wall = start.astimezone(self.tz).replace(tzinfo=None)
            simulator = CronSim(self.cron, wall - dt.timedelta(seconds=1))
        except CronSimError as exc:
            raise ValueError(f"invalid cron expression {self.cron!r}: {exc}") from None
        if not self.day_or:
            simulator.day_and = True
        return simulator

    def _candidates(self, start: dt.datetime) -> Iterator[dt.datetime]:
        for moment in self._simulator(start):
            yield _localize(moment, self.tz)

    def to_dict(self) -> dict[str, Any]:
        return {**self._common(), "cron": self.cron, "day_or": self.day_or}


class Interval(Schedule):
    """Runs every `interval` (seconds or a timedelta), aligned to `anchor_date`.

    The anchor defaults to now; a naive anchor is read in `timezone`, and an aware anchor
    with an IANA zone gives the timezone when none is passed.
    """

    kind = "interval"

    def __init__(
        self,
        interval: float | dt.timedelta,
        anchor_date: dt.datetime | str | None = None,
        timezone: str | None = None,
        active: bool = True,
        parameters: dict[str, Any] | None = None,
        slug: str | None = None,
    ) -> None:
        if isinstance(anchor_date, str):
            anchor_date = dt.datetime.fromisoformat(anchor_date)
        anchor_zone = getattr(anchor_date, "tzinfo", None)
        if timezone is None and isinstance(anchor_zone, ZoneInfo):
            timezone = anchor_zone.key
        super().__init__(timezone, active, parameters, slug)
        seconds = interval.total_seconds() if isinstance(interval, dt.timedelta) else interval
        if not seconds or seconds <= 0:
            raise ValueError(f"an interval must be positive, got {interval!r}")
        self.interval = dt.timedelta(seconds=seconds)
        if anchor_date is None:
            anchor_date = dt.datetime.fromtimestamp(int(clock.now()), tz=dt.timezone.utc)
        elif anchor_date.tzinfo is None:
            anchor_date = anchor_date.replace(tzinfo=self.tz)
        self.anchor_date = anchor_date.astimezone(self.tz)

    def _candidates(self, start: dt.datetime) -> Iterator[dt.datetime]:
        seconds = self.interval.total_seconds()
        elapsed = start.timestamp() - self.anchor_date.timestamp()
        if seconds % _DAY:  # exact elapsed time
            step = math.ceil(elapsed / seconds)
            anchor = self.anchor_date.astimezone(dt.timezone.utc)  # UTC: no wall-clock maths
            while True:
                yield (anchor + step * self.interval).astimezone(self.tz)
                step += 1
        else:  # whole days: the anchor's wall-clock time (the UTC offset may change)
            step = math.floor(elapsed / seconds) - 1
            wall = self.anchor_date.replace(tzinfo=None)
            while True:
                yield _localize(wall + step * self.interval, self.tz)
                step += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            **self._common(),
            "interval": self.interval.total_seconds(),
            "anchor_date": self.anchor_date.isoformat(),
        }


class RRule(Schedule):
    """Runs on the occurrences of an iCalendar recurrence rule (RFC 5545), e.g.
    `FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9`. Without a DTSTART the rule starts when the
    schedule is created (to the minute), as dateutil does; it is kept in `to_dict()`.
    """

    kind = "rrule"

    def __init__(
        self,
        rrule: str,
        timezone: str | None = None,
        active: bool = True,
        parameters: dict[str, Any] | None = None,
        slug: str | None = None,
    ) -> None:
        super().__init__(timezone, active, parameters, slug)
        text = rrule.strip()
        if "DTSTART" not in text.upper():
            started = dt.datetime.fromtimestamp(clock.now(), tz=self.tz).replace(
                second=0, microsecond=0, tzinfo=None
            )
            text = f"DTSTART:{started:%Y%m%dT%H%M%S}\n{text}"
        self.rrule = text
        self._rule = self._parse()

    def _parse(self) -> Any:
        from dateutil.rrule import rrulestr

        try:
            rule = rrulestr(self.rrule, forceset=True, ignoretz=True)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"invalid rrule {self.rrule!r}: {exc}") from None
        return rule

    def _candidates(self, start: dt.datetime) -> Iterator[dt.datetime]:
        # the rule yields naive wall-clock times in the schedule's timezone
        naive_start = start.replace(tzinfo=None) - dt.timedelta(hours=3)
        for moment in self._rule.xafter(naive_start, inc=True):
            yield _localize(moment, self.tz)

    def to_dict(self) -> dict[str, Any]:
        return {**self._common(), "rrule": self.rrule}


_KINDS: dict[str, type[Schedule]] = {"cron": Cron, "interval": Interval, "rrule": RRule}


def schedule_from_dict(data: dict[str, Any]) -> Schedule:
    """Rebuild a schedule from `Schedule.to_dict()` output."""
    fields = dict(data)
    kind = _KINDS.get(fields.pop("type", ""))
    if kind is None:
        raise ValueError(f"unknown schedule type in {data!r}")
    return kind(**fields)


# Prefect 2 names
CronSchedule = Cron
IntervalSchedule = Interval
RRuleSchedule = RRule
