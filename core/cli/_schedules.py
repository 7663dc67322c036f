"""Schedules from command-line options, and their JSON form, for `deployment schedule` and
`flow serve`."""

from __future__ import annotations

from typing import Any

import click


def schedule_from_options(
    cron: str | None,
    interval: float | None,
    rrule: str | None,
    timezone: str | None,
    anchor_date: str | None = None,
    day_or: bool = True,
    active: bool = True,
) -> Any:
    """One `headrace.schedules` object from exactly one of --cron, --interval, --rrule."""
    from headrace.schedules import Cron, Interval, RRule

    if sum(option is not None for option in (cron, interval, rrule)) != 1:
        raise click.UsageError("give exactly one of --interval, --cron or --rrule")
    if anchor_date and interval is None:
        raise click.UsageError("--anchor-date goes with an --interval schedule only")
    try:
        if cron is not None:
            return Cron(cron, timezone=timezone, day_or=day_or, active=active)
        if interval is not None:
            if interval <= 0:
                raise ValueError("--interval must be a positive number of seconds")
            return Interval(interval, anchor_date=anchor_date, timezone=timezone, active=active)
        return RRule(rrule, timezone=timezone, active=active)  # type: ignore[arg-type]
    except (ValueError, TypeError) as exc:
        raise click.ClickException(f"invalid schedule: {exc}") from None


def describe(data: dict[str, Any]) -> str:
    """`cron: 0 6 * * *`, `interval: 3600.0s` or `rrule: ...`, as Prefect's table shows."""
    kind = data.get("type")
    if kind == "interval":
        return f"interval: {data.get('interval')}s"
    if kind in ("cron", "rrule"):
        return f"{kind}: {data.get(kind)}"
    return str(kind)


def schedule_json(index: int, data: dict[str, Any]) -> dict[str, Any]:
    """A stored schedule with its 1-based position (what SCHEDULE arguments take)."""
    return {
        "index": index,
        **data,
        "active": bool(data.get("active", True)),
        "schedule": describe(data),
    }
