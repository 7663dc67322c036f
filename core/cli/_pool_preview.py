"""The runs a work pool will start in the next hours: requested runs already in the store
plus the occurrences of its deployments' active schedules (for `work-pool preview` and
`work-queue preview`)."""

from __future__ import annotations

import datetime as _dt
import time
from typing import Any

from headrace.cli._output import iso
from headrace.store import get_store
from headrace.store.interface import FlowRunQuery


def upcoming(pool: str, hours: float) -> list[dict[str, Any]]:
    from headrace.deployments import records
    from headrace.schedules import schedule_from_dict

    now = time.time()
    end = now + hours * 3600
    deployments = records.list_deployments(pool)
    by_id = {record.id: record for record in deployments}
    found: dict[tuple[str, float], dict[str, Any]] = {}
    query = FlowRunQuery(
        work_pool_names=[pool], state_types=["SCHEDULED"], sort="expected_start_time_asc"
    )
    query.limit = 1000
    for row in get_store().runs.read_flow_runs(query):
        when = row["scheduled_time"] or row["created"]
        if when > end:
            continue
        record = by_id.get(row["deployment_id"] or "")
        found[(row["deployment_id"] or "", round(when, 3))] = {
            "scheduled_time": iso(when),
            "deployment": record.full_name if record else None,
            "flow_run_id": row["id"],
            "flow_run_name": row["name"],
        }
    start = _dt.datetime.fromtimestamp(now, tz=_dt.timezone.utc)
    stop = _dt.datetime.fromtimestamp(end, tz=_dt.timezone.utc)
    for record in deployments:
        if record.paused:
            continue
        for data in record.schedules:
            schedule = schedule_from_dict(data)
            if not schedule.active:
                continue
            for date in schedule.get_dates(start=start, end=stop, n=1000):
                key = (record.id, round(date.timestamp(), 3))
                found.setdefault(
                    key,
                    {
                        "scheduled_time": iso(date.timestamp()),
                        "deployment": record.full_name,
                        "flow_run_id": None,
                        "flow_run_name": None,
                    },
                )
    return [found[key] for key in sorted(found, key=lambda k: k[1])]
