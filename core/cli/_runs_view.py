"""Flow runs, task runs and log lines as people and scripts see them.

The JSON forms are the stable output of `--output json` (keys documented in docs/cli.md):
ISO 8601 times in UTC, real booleans, parameters and tags as JSON values, never strings.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from typing import Any

import click

from headrace.cli._output import fail, iso
from headrace.secret_parameters import masked_parameters
from headrace.store import get_store
from headrace.store.interface import FINAL_STATE_TYPES, FlowRunQuery, LogQuery, TaskRunQuery

#: Prefect's state names, so `--state running` finds the runs named "Running"
STATE_NAMES = {
    name.upper(): name
    for name in (
        "Scheduled",
        "Pending",
        "Running",
        "Completed",
        "Failed",
        "Cancelled",
        "Crashed",
        "Paused",
        "Cancelling",
        "Suspended",
        "AwaitingRetry",
        "Retrying",
        "Late",
        "Cached",
        "TimedOut",
        "NotReady",
        "RolledBack",
    )
}
STATE_TYPES = (
    "SCHEDULED",
    "PENDING",
    "RUNNING",
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "CRASHED",
    "PAUSED",
    "CANCELLING",
)


def is_final(row: dict[str, Any]) -> bool:
    return row.get("state_type") in FINAL_STATE_TYPES


def state_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"type": row["state_type"], "name": row["state_name"], "message": row["state_message"]}


def flow_run_json(row: dict[str, Any]) -> dict[str, Any]:
    """A flow run row as `--output json` shows it (secret parameters masked)."""
    expected = row.get("scheduled_time") or row.get("start_time") or row["created"]
    return {
        "id": row["id"],
        "name": row["name"],
        "flow_name": row["flow_name"],
        "flow_version": row.get("flow_version"),
        "state": state_json(row),
        "parameters": masked_parameters(row["parameters"] or {}),
        "tags": sorted(row.get("tags") or []),
        "run_count": row["run_count"],
        "created": iso(row["created"]),
        "expected_start_time": iso(expected),
        "start_time": iso(row["start_time"]),
        "end_time": iso(row["end_time"]),
        "total_run_time": (
            None
            if row["start_time"] is None or row["end_time"] is None
            else round(row["end_time"] - row["start_time"], 6)
        ),
        "deployment_id": row.get("deployment_id"),
        "auto_scheduled": bool(row["auto_scheduled"])
        if row.get("auto_scheduled") is not None
        else None,
        "worker_id": row.get("worker_id"),
        "parent_flow_run_id": row.get("parent_flow_run_id"),
        "parent_task_run_id": row.get("parent_task_run_id"),
        "process": row.get("process"),
    }


def task_run_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "task_name": row["task_name"],
        "task_key": row["task_key"],
        "dynamic_key": row["dynamic_key"],
        "flow_run_id": row["flow_run_id"],
        "state": state_json(row),
        "tags": sorted(row.get("tags") or []),
        "run_count": row["run_count"],
        "cache_key": row["cache_key"],
        "created": iso(row["created"]),
        "start_time": iso(row["start_time"]),
        "end_time": iso(row["end_time"]),
        "total_run_time": (
            None
            if row["start_time"] is None or row["end_time"] is None
            else round(row["end_time"] - row["start_time"], 6)
        ),
        "process": row.get("process"),
    }


def log_json(row: dict[str, Any], task_names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "flow_run_id": row["flow_run_id"],
        "task_run_id": row["task_run_id"],
        "task_run_name": task_names.get(row["task_run_id"] or ""),
        "level": row["level"],
        "level_name": logging.getLevelName(row["level"]),
        "logger": row["logger"],
        "timestamp": iso(row["timestamp"]),
        "message": row["message"],
    }


def log_line(row: dict[str, Any], run_name: str, task_names: dict[str, str]) -> str:
    """`2026-12-06 08:26:05.239 | INFO    | Task run 'load-0' - message` (local time): the
    layout of the console log lines (headrace.logging's formatter), with the date."""
    when = _dt.datetime.fromtimestamp(row["timestamp"]).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    task_name = task_names.get(row["task_run_id"] or "")
    source = f"Task run {task_name!r}" if task_name else f"Flow run {run_name!r}"
    level = logging.getLevelName(row["level"])
    return f"{when} | {level:<7} | {source} - {row['message']}"


def resolve_flow_run(id_or_name: str) -> dict[str, Any]:
    """A flow run by id, unique id prefix or run name; exit 1 when none or several match."""
    runs = get_store().runs
    row = runs.read_flow_run(id_or_name)
    if row is not None:
        return dict(row)
    named = runs.read_flow_runs(FlowRunQuery(names=[id_or_name], limit=20))
    if len(named) == 1:
        return dict(named[0])
    if not named:
        raise fail(f"Flow run {id_or_name!r} not found (no id, unique id prefix or run name).")
    choices = "\n".join(
        f"  - {run['id']} ({run['state_name']}, {iso(run['start_time'] or run['created'])})"
        for run in named
    )
    raise fail(f"Several flow runs are named {id_or_name!r}:\n{choices}\nUse an id.")


_SPAN = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_when(text: str, option: str) -> float:
    """An epoch time from an ISO date/time (local unless it names a zone) or a span back
    from now (`30m`, `2h`, `7d`)."""
    import time

    match = _SPAN.match(text.strip())
    if match:
        return time.time() - float(match.group(1)) * _SECONDS[match.group(2)]
    try:
        moment = _dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is neither an ISO date/time (2026-12-06T08:00) nor a span such as "
            f"30m, 2h, 7d",
            param_hint=option,
        ) from None
    return moment.timestamp()


def apply_state_filters(
    query: FlowRunQuery | TaskRunQuery, states: tuple[str, ...], state_types: tuple[str, ...]
) -> None:
    """`--state` names (any case, Prefect's spellings) and `--state-type` types onto a
    runs query; an unknown type is a usage error listing the valid ones."""
    if states:
        query.state_names = [STATE_NAMES.get(s.upper(), s) for s in states]
    if state_types:
        wrong = [s for s in state_types if s.upper() not in STATE_TYPES]
        if wrong:
            raise click.BadParameter(
                f"{', '.join(wrong)}; choose from {', '.join(STATE_TYPES)}",
                param_hint="--state-type",
            )
        query.state_types = [s.upper() for s in state_types]


def state_history_json(run_id: str) -> list[dict[str, Any]]:
    """A run's states, oldest first, as `inspect` shows them."""
    return [
        {
            "type": s["type"],
            "name": s["name"],
            "message": s["message"],
            "timestamp": iso(s["timestamp"]),
        }
        for s in get_store().runs.read_states(run_id)
    ]


def print_run_details(data: dict[str, Any]) -> None:
    """`key  value` lines then the state history; nested values as compact JSON (the full
    form is --output json). `data` holds a `states` list, taken out here."""
    import json

    states = data.pop("states")
    width = max(len(key) for key in data)
    for key, value in data.items():
        shown = json.dumps(value) if isinstance(value, (dict, list, bool)) else value
        click.echo(f"{key:<{width}}  {'-' if shown is None else shown}")
    click.echo("states:")
    for state in states:
        message = f"  {state['message']}" if state["message"] else ""
        click.echo(f"  {state['timestamp']}  {state['name']}{message}")


def read_log_window(
    query: LogQuery, head: bool, tail: bool, num_logs: int | None, reverse: bool, default: int
) -> list[dict[str, Any]]:
    """The log lines `--head`/`--tail`/`--num-logs`/`--reverse` ask for, in display order;
    sets the query's sort and limit (a `--follow` reuses it)."""
    if head and tail:
        raise click.UsageError("give --head or --tail, not both")
    query.sort = "timestamp_desc" if (reverse or tail) else "timestamp_asc"
    query.limit = (num_logs or default) if (head or tail or num_logs) else None
    found = [dict(log) for log in get_store().runs.read_logs(query)]
    if tail and not reverse:
        found.reverse()
    return found
