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


_KIND_FIELDS = ("interval", "cron", "rrule")


class Schedule:
    """A schedule (Prefect's `prefect.schedules.Schedule`): exactly one of `interval`,
    `cron` or `rrule`, with a timezone (None reads as UTC), an anchor for intervals, cron's
    `day_or`, an on/off switch, parameter overrides and a slug. `Cron(...)`,
    `Interval(...)` and `RRule(...)` build one of each kind."""

    def __init__(
        self,
        interval: float | dt.timedelta | None = None,
        cron: str | None = None,
        rrule: str | None = None,
        timezone: str | None = None,
        anchor_date: dt.datetime | str | None = None,
        day_or: bool = True,
        active: bool = True,
        parameters: dict[str, Any] | None = None,
        slug: str | None = None,
    ) -> None:
        given = [
            name for name, value in zip(_KIND_FIELDS, (interval, cron, rrule), strict=True) if value
        ]
        if len(given) > 1:
            raise ValueError(f"Only one schedule type can be defined; got {', '.join(given)}")
        if isinstance(anchor_date, str):
            anchor_date = dt.datetime.fromisoformat(anchor_date)
        anchor_zone = getattr(anchor_date, "tzinfo", None)
        if timezone is None and interval and isinstance(anchor_zone, ZoneInfo):
            timezone = anchor_zone.key
        self.timezone = timezone
        self.tz = _zone(timezone)
        self.day_or = day_or
        self.active = active
        self.parameters = dict(parameters or {})
        self.slug = slug
        self.interval = _interval(interval) if interval else None
        if anchor_date is None:
            anchor_date = dt.datetime.fromtimestamp(int(clock.now()), tz=dt.timezone.utc)
        elif anchor_date.tzinfo is None:
            anchor_date = anchor_date.replace(tzinfo=self.tz)
        self.anchor_date = anchor_date.astimezone(self.tz) if interval else anchor_date
        self.cron = cron.strip() if cron else None
        if self.cron:
            next(iter(self._candidates(dt.datetime(2020, 1, 1, tzinfo=self.tz))), None)
        self.rrule = rrule.strip() if rrule else None
        self._rule: Any = None
        self._anchored_rrule: str | None = None
        if self.rrule:
            self._anchored_rrule = _anchor_rrule(self.rrule, self.tz)
            self._rule = _parse_rrule(self._anchored_rrule)

    @property
    def kind(self) -> str:
        """ "interval", "cron", "rrule", or "schedule" for one with none of them."""
        return next((name for name in _KIND_FIELDS if getattr(self, name)), "schedule")

    def _candidates(self, start: dt.datetime) -> Iterator[dt.datetime]:
        """Aware run times at or after `start`, in order (duplicates allowed)."""
        if self.cron:
            return _cron_times(self.cron, self.day_or, self.tz, start)
        if self.interval:
            return _interval_times(self.interval, self.anchor_date, self.tz, start)
        if self._rule is not None:
            return _rrule_times(self._rule, self.tz, start)
        return iter(())

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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description; `schedule_from_dict` rebuilds the schedule. An rrule
        keeps the start it was given when created (its DTSTART)."""
        data: dict[str, Any] = {
            "type": self.kind,
            "timezone": self.timezone or "UTC",
            "active": self.active,
            "parameters": self.parameters,
            "slug": self.slug,
        }
        if self.cron:
            data.update(cron=self.cron, day_or=self.day_or)
        elif self.interval:
            data.update(
                interval=self.interval.total_seconds(), anchor_date=self.anchor_date.isoformat()
            )
        elif self.rrule:
            data["rrule"] = self._anchored_rrule
        return data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schedule) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{key}={value!r}" for key, value in self.to_dict().items() if key != "type"
        )
        return f"{type(self).__name__}({fields})"


def _interval(value: float | dt.timedelta) -> dt.timedelta:
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else value
    if not seconds or seconds <= 0:
        raise ValueError(f"an interval must be positive, got {value!r}")
    return dt.timedelta(seconds=seconds)


def _cron_times(cron: str, day_or: bool, tz: ZoneInfo, start: dt.datetime) -> Iterator[dt.datetime]:
    from cronsim import CronSim, CronSimError

    try:
        # wall-clock iteration: cron matches local times, not elapsed time
        wall = start.astimezone(tz).replace(tzinfo=None)
        simulator = CronSim(cron, wall - dt.timedelta(seconds=1))
    except CronSimError as exc:
        raise ValueError(f"Invalid cron string {cron!r}: {exc}") from None
    if not day_or:
        simulator.day_and = True
    return (_localize(moment, tz) for moment in simulator)


def _interval_times(
    interval: dt.timedelta, anchor_date: dt.datetime, tz: ZoneInfo, start: dt.datetime
) -> Iterator[dt.datetime]:
    seconds = interval.total_seconds()
    elapsed = start.timestamp() - anchor_date.timestamp()
    if seconds % _DAY:  # exact elapsed time
        step = math.ceil(elapsed / seconds)
        anchor = anchor_date.astimezone(dt.timezone.utc)  # UTC: no wall-clock maths
        while True:
            yield (anchor + step * interval).astimezone(tz)
            step += 1
    else:  # whole days: the anchor's wall-clock time (the UTC offset may change)
        step = math.floor(elapsed / seconds) - 1
        wall = anchor_date.replace(tzinfo=None)
        while True:
            yield _localize(wall + step * interval, tz)
            step += 1


def _anchor_rrule(rrule: str, tz: ZoneInfo) -> str:
    """The rule with a DTSTART: without one it starts now (to the minute), as dateutil
    would, and that start is what `to_dict()` keeps."""
    if "DTSTART" in rrule.upper():
        return rrule
    started = dt.datetime.fromtimestamp(clock.now(), tz=tz).replace(
        second=0, microsecond=0, tzinfo=None
    )
    return f"DTSTART:{started:%Y%m%dT%H%M%S}\n{rrule}"


def _parse_rrule(text: str) -> Any:
    from dateutil.rrule import rrulestr

    try:
        return rrulestr(text, forceset=True, ignoretz=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"Invalid RRule string {text!r}: {exc}") from None


def _rrule_times(rule: Any, tz: ZoneInfo, start: dt.datetime) -> Iterator[dt.datetime]:
    # the rule yields naive wall-clock times in the schedule's timezone
    naive_start = start.replace(tzinfo=None) - dt.timedelta(hours=3)
    return (_localize(moment, tz) for moment in rule.xafter(naive_start, inc=True))


class Cron(Schedule):
    """Runs at the times a cron expression matches, read in `timezone` (default UTC).

    `day_or=True` (the default) ORs day-of-month and day-of-week when both are restricted,
    like cron; `day_or=False` requires both.
    """

    def __init__(
        self,
        cron: str,
        timezone: str | None = None,
        day_or: bool = True,
        active: bool = True,
        parameters: dict[str, Any] | None = None,
        slug: str | None = None,
    ) -> None:
        if not cron or not cron.strip():
            raise ValueError(f"Invalid cron string {cron!r}: it is empty")
        super().__init__(
            cron=cron,
            timezone=timezone,
            day_or=day_or,
            active=active,
            parameters=parameters,
            slug=slug,
        )


class Interval(Schedule):
    """Runs every `interval` (seconds or a timedelta), aligned to `anchor_date`.

    The anchor defaults to now; a naive anchor is read in `timezone`, and an aware anchor
    with an IANA zone gives the timezone when none is passed. Whole days keep the
    anchor's wall-clock time across DST; shorter intervals are exact elapsed time.
    """

    def __init__(
        self,
        interval: float | dt.timedelta,
        anchor_date: dt.datetime | str | None = None,
        timezone: str | None = None,
        active: bool = True,
        parameters: dict[str, Any] | None = None,
        slug: str | None = None,
    ) -> None:
        if not interval:
            raise ValueError(f"an interval must be positive, got {interval!r}")
        super().__init__(
            interval=interval,
            anchor_date=anchor_date,
            timezone=timezone,
            active=active,
            parameters=parameters,
            slug=slug,
        )


class RRule(Schedule):
    """Runs on the occurrences of an iCalendar recurrence rule (RFC 5545), e.g.
    `FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9`. Without a DTSTART the rule starts when the
    schedule is created (to the minute), as dateutil does; `to_dict()` keeps that start.
    """

    def __init__(
        self,
        rrule: str,
        timezone: str | None = None,
        active: bool = True,
        parameters: dict[str, Any] | None = None,
        slug: str | None = None,
    ) -> None:
        if not rrule or not rrule.strip():
            raise ValueError(f"Invalid RRule string {rrule!r}: it is empty")
        super().__init__(
            rrule=rrule, timezone=timezone, active=active, parameters=parameters, slug=slug
        )


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
