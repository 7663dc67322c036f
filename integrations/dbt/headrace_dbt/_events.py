"""Reading dbt's structured events (the protobuf messages its callbacks receive)."""

from __future__ import annotations

import datetime as _dt
import logging
import re
from typing import Any

from headrace_dbt.results import SKIPPED_STATUS, DbtNodeResult

_TESTS = ("test", "unit_test")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "error": logging.ERROR,
}


def event_name(event: Any) -> str:
    return event.info.name


def log_level(event: Any) -> int:
    return LEVELS.get(event.info.level, logging.INFO)


def log_message(event: Any) -> str:
    """The event's message without the colour codes dbt puts in for terminals."""
    return _ANSI.sub("", event.info.msg or "").rstrip()


def node_id(event: Any) -> str | None:
    """The unique id of the node an event belongs to, if any."""
    info = getattr(event.data, "node_info", None)
    return (info.unique_id or None) if info is not None else None


def _timestamp(value: Any) -> _dt.datetime | None:
    if value is None or (value.seconds == 0 and value.nanos == 0):
        return None
    return value.ToDatetime(tzinfo=_dt.timezone.utc)


def _iso(value: str) -> _dt.datetime | None:
    if not value:
        return None
    parsed = _dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)


def _struct_value(struct: Any, key: str) -> Any:
    if struct is None or key not in struct.fields:
        return None
    value = struct.fields[key]
    kind = value.WhichOneof("kind")
    return None if kind in (None, "null_value") else getattr(value, kind)


def _base(info: Any) -> dict[str, Any]:
    relation = getattr(info, "node_relation", None)
    return {
        "unique_id": info.unique_id,
        "name": info.node_name or info.unique_id.rsplit(".", 1)[-1],
        "resource_type": info.resource_type or info.unique_id.split(".", 1)[0],
        "relation_name": (relation.relation_name or None) if relation is not None else None,
    }


def finished_result(event: Any) -> DbtNodeResult:
    """A `NodeFinished` event as a node result."""
    info, run = event.data.node_info, event.data.run_result
    execute = [t for t in run.timing_info if t.name == "execute"]
    started = _timestamp(execute[0].started_at) if execute else _iso(info.node_started_at)
    completed = _timestamp(execute[0].completed_at) if execute else _iso(info.node_finished_at)
    rows = _struct_value(run.adapter_response, "rows_affected")
    status = run.status or info.node_status
    return DbtNodeResult(
        **_base(info),
        status=status,
        message=run.message or None,
        started_at=started,
        completed_at=completed,
        execution_time=float(run.execution_time),
        rows_affected=int(rows) if rows is not None else None,
        failures=int(run.num_failures) if info.resource_type in _TESTS else None,
    )


def skipped_result(event: Any) -> DbtNodeResult:
    """A `SkippingDetails` event (a node dbt did not run) as a node result."""
    return DbtNodeResult(
        **_base(event.data.node_info),
        status=SKIPPED_STATUS,
        message="skipped by dbt: an upstream node failed or was skipped",
    )
