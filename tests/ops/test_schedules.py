"""Schedules, with daylight-saving dates in America/New_York (2026: Mar 8 and Nov 1)."""

from __future__ import annotations

import datetime as dt
import subprocess
from zoneinfo import ZoneInfo

import pytest
from ops_support import PYTHON

from headrace.schedules import (
    Cron,
    CronSchedule,
    Interval,
    IntervalSchedule,
    RRule,
    RRuleSchedule,
    Schedule,
    schedule_from_dict,
)

NY = ZoneInfo("America/New_York")
UTC = dt.timezone.utc
SPRING_EVE = dt.datetime(2026, 3, 7, 12, 0, tzinfo=NY)
FALL_EVE = dt.datetime(2026, 10, 31, 12, 0, tzinfo=NY)


def local(dates: list[dt.datetime]) -> list[str]:
    return [d.strftime("%m-%d %H:%M%z") for d in dates]


def test_daily_cron_keeps_local_time_across_both_changes() -> None:
    schedule = Cron("0 9 * * *", timezone="America/New_York")
    spring = schedule.get_dates(3, start=SPRING_EVE)
    assert local(spring) == ["03-08 09:00-0400", "03-09 09:00-0400", "03-10 09:00-0400"]
    before = schedule.get_dates(1, start=SPRING_EVE - dt.timedelta(days=1))[0]
    assert before.astimezone(UTC).hour == 14 and spring[0].astimezone(UTC).hour == 13
    fall = schedule.get_dates(2, start=FALL_EVE)
    assert local(fall) == ["11-01 09:00-0500", "11-02 09:00-0500"]


def test_cron_in_a_skipped_or_repeated_hour_runs_once() -> None:
    skipped = Cron("30 2 * * *", timezone="America/New_York").get_dates(2, start=SPRING_EVE)
    assert local(skipped) == ["03-08 03:00-0400", "03-09 02:30-0400"]
    repeated = Cron("30 1 * * *", timezone="America/New_York").get_dates(2, start=FALL_EVE)
    assert local(repeated) == ["11-01 01:30-0400", "11-02 01:30-0500"]


def test_hourly_cron_follows_schedule_hours_not_elapsed_hours() -> None:
    dates = Cron("0 * * * *", timezone="America/New_York").get_dates(
        4, start=dt.datetime(2026, 11, 1, 0, 0, tzinfo=NY)
    )
    assert local(dates) == ["11-01 00:00-0400", "11-01 01:00-0400", "11-01 02:00-0500",
                            "11-01 03:00-0500"]  # fmt: skip
    assert dates[2].timestamp() - dates[1].timestamp() == 7200


def test_hourly_interval_is_elapsed_time_across_dst() -> None:
    schedule = Interval(3600, anchor_date=dt.datetime(2026, 1, 1), timezone="America/New_York")
    fall = schedule.get_dates(4, start=dt.datetime(2026, 11, 1, 0, 0, tzinfo=NY))
    assert local(fall) == ["11-01 00:00-0400", "11-01 01:00-0400", "11-01 01:00-0500",
                           "11-01 02:00-0500"]  # fmt: skip
    spring = schedule.get_dates(3, start=dt.datetime(2026, 3, 8, 1, 0, tzinfo=NY))
    assert local(spring) == ["03-08 01:00-0500", "03-08 03:00-0400", "03-08 04:00-0400"]
    stamps = [d.timestamp() for d in fall + spring]
    assert all(b - a == 3600 for a, b in zip(stamps[:3], stamps[1:4], strict=True))


def test_daily_interval_keeps_the_anchor_wall_clock_time() -> None:
    schedule = Interval(dt.timedelta(days=1), anchor_date=dt.datetime(2026, 1, 1, 9, 0, tzinfo=NY))
    assert schedule.timezone == "America/New_York"
    dates = schedule.get_dates(3, start=SPRING_EVE)
    assert local(dates) == ["03-08 09:00-0400", "03-09 09:00-0400", "03-10 09:00-0400"]
    assert local(schedule.get_dates(1, start=FALL_EVE)) == ["11-01 09:00-0500"]


def test_rrule_in_local_time() -> None:
    schedule = RRule("DTSTART:20260101T090000\nFREQ=WEEKLY;BYDAY=SU", timezone="America/New_York")
    dates = schedule.get_dates(2, start=dt.datetime(2026, 3, 1, 10, 0, tzinfo=NY))
    assert local(dates) == ["03-08 09:00-0400", "03-15 09:00-0400"]
    ends = schedule.get_dates(start=SPRING_EVE, end=dt.datetime(2026, 3, 22, 9, 0, tzinfo=NY))
    assert len(ends) == 3  # end is inclusive


def test_day_or_switches_day_matching() -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    either = Cron("0 0 13 * 5", day_or=True).get_dates(3, start=start)
    both = Cron("0 0 13 * 5", day_or=False).get_dates(1, start=start)
    assert [d.day for d in either] == [2, 9, 13]  # Fridays or the 13th
    assert both[0].date() == dt.date(2026, 2, 13)  # Friday the 13th


def test_default_start_is_headrace_clock(fake_clock) -> None:
    schedule = Interval(60)
    assert schedule.anchor_date.timestamp() == fake_clock.now
    fake_clock.advance(90)
    assert schedule.get_dates(1)[0].timestamp() == fake_clock.now + 30


def test_round_trip_and_aliases() -> None:
    for schedule in (
        Cron("*/5 * * * *", timezone="Europe/Paris", parameters={"x": 1}, slug="five"),
        Interval(90, anchor_date="2026-01-01T00:00:00+00:00", active=False),
        RRule("DTSTART:20260101T000000\nFREQ=HOURLY;INTERVAL=2"),
    ):
        assert schedule_from_dict(schedule.to_dict()) == schedule
    assert (CronSchedule, IntervalSchedule, RRuleSchedule) == (Cron, Interval, RRule)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: Cron("61 * * * *"), "Invalid cron string"),
        (lambda: Cron("0 9 * * *", timezone="Mars/Olympus"), "unknown timezone"),
        (lambda: Interval(0), "must be positive"),
        (lambda: RRule("FREQ=SOMETIMES"), "Invalid RRule string"),
    ],
)
def test_bad_schedules_are_rejected(build, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_schedule_libraries_stay_out_of_the_import_path() -> None:
    code = (
        "import sys, headrace\nfrom headrace import flow, task\nimport headrace.schedules\n"
        "print(sorted(m for m in ('cronsim', 'dateutil', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_schedule_built_directly_as_prefect_does():
    daily = Schedule(cron="0 9 * * *", timezone=None)
    assert daily.kind == "cron" and daily.timezone is None
    assert daily.get_dates(1, start=dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)) == [
        dt.datetime(2024, 3, 1, 9, tzinfo=ZoneInfo("UTC"))
    ]  # no timezone reads as UTC
    with pytest.raises(ValueError, match="Only one schedule type can be defined"):
        Schedule(interval=60, cron="* * * * *")
    empty = Schedule()
    assert (empty.interval, empty.cron, empty.rrule) == (None, None, None)
    assert empty.get_dates(3) == []

    weekly = RRule("RRULE:FREQ=WEEKLY;BYDAY=MO")
    assert weekly.rrule == "RRULE:FREQ=WEEKLY;BYDAY=MO"  # as given
    assert "DTSTART" in weekly.to_dict()["rrule"]  # its start is kept when stored
    assert schedule_from_dict(weekly.to_dict()) == weekly
