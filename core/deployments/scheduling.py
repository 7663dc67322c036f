"""Turning a deployment's schedules into Scheduled flow runs, shared by serve and workers.

Missed-run policy (both serve and workers): runs are created a few occurrences ahead
(`schedule_ahead`). When a process comes back after downtime, only the most recent due run
of each deployment is started; older due runs are marked Cancelled with a message saying
they were skipped. Occurrences that fell entirely inside the downtime were never created,
so they are not replayed either: no storm of runs after an outage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from headrace.deployments import records
from headrace.schedules import schedule_from_dict


def upcoming_slots(
    record: records.DeploymentRecord, now: float, count: int
) -> list[tuple[float, dict[str, Any]]]:
    """(time, parameters) of the next `count` occurrences of each active schedule."""
    if record.paused:
        return []
    start = dt.datetime.fromtimestamp(now, tz=dt.timezone.utc)
    slots = []
    for data in record.schedules:
        schedule = schedule_from_dict(data)
        if not schedule.active:
            continue
        parameters = {**record.parameters, **schedule.parameters}
        slots.extend((date.timestamp(), parameters) for date in schedule.get_dates(count, start))
    return slots


def schedule_runs(deployments: list[records.DeploymentRecord], now: float, count: int) -> int:
    """Create missing upcoming runs and apply the missed-run policy; returns runs created."""
    created = 0
    for record in deployments:
        slots = upcoming_slots(record, now, count)
        if slots:
            created += len(records.create_scheduled_runs(record, slots))
    records.skip_missed_runs([record.id for record in deployments], now)
    return created
