"""Batched run records: flow runs, task runs, state transitions and logs in one POST.

Clients pointed at the server (`HEADRACE_API_URL`) queue every `RunRepository.record_*`
call and send them here in batches. A batch is a list of calls in the order they were
made; each call is `[kind, *arguments]`:

    ["flow_run", id, name, flow_name, flow_version, parameters, tags, state, run_count,
     start_time, end_time, parent_flow_run_id, parent_task_run_id, deployment_id, process]
    ["flow_run_state", id, state, run_count, start_time, end_time]
    ["task_run", id, flow_run_id, name, task_name, task_key, dynamic_key, tags, state,
     run_count, cache_key, start_time, end_time, process]
    ["task_run_state", id, state, run_count, cache_key, start_time, end_time]
    ["state", run_id, state]
    ["log", flow_run_id, task_run_id, level, logger, message, timestamp]
    ["event", id, occurred, event, resource_id, body, related_ids]

with `state = [type, name, message, timestamp]`. The reply comes after the records are
committed, so an acknowledged batch is never lost; a batch id seen before is acknowledged
without being written twice (a client resends when a reply is lost).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

import orjson
from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from headrace.server.routes.common import Router, store
from headrace.states import StateType
from headrace.store.interface import TaskRunQuery

router = Router(tags=["ingest"])

_STATE_TYPES = frozenset(kind.value for kind in StateType)
_NONE = type(None)
# what each argument may be, by exact class (bool is not a number here); `state` and
# `tags` arguments are lists checked further by `_state` and `_tags`
_T, _TN = frozenset({str}), frozenset({str, _NONE})
_N, _NN = frozenset({int, float}), frozenset({int, float, _NONE})
_C, _LIST, _OBJECT = frozenset({int}), frozenset({list}), frozenset({dict})
_STATE = _TAGS = _LIST


def _state(value: list[Any]) -> bool:
    return (
        len(value) == 4
        and value[0] in _STATE_TYPES
        and value[1].__class__ is str
        and value[2].__class__ in _TN
        and value[3].__class__ in _N
    )


def _tags(value: list[Any]) -> bool:
    return all(tag.__class__ is str for tag in value)


def _event_body(value: str) -> bool:
    """An event's JSON body: an object whose resource has a `prefect.resource.id`."""
    try:
        body = json.loads(value)
    except ValueError:
        return False
    resource = body.get("resource") if isinstance(body, dict) else None
    return (
        isinstance(resource, dict)
        and isinstance(resource.get("prefect.resource.id"), str)
        and isinstance(body.get("related", []), list)
        and isinstance(body.get("payload", {}), dict)
    )


#: arguments checked further than by class, by name
_DEEPER = {"state": _state, "tags": _tags, "body": _event_body}


#: each kind's arguments: (name, allowed classes) in order; checked before anything is written
_ARGUMENTS: dict[str, tuple[tuple[str, frozenset[type]], ...]] = {
    "flow_run": (
        ("id", _T), ("name", _T), ("flow_name", _T), ("flow_version", _TN),
        ("parameters", _OBJECT), ("tags", _TAGS), ("state", _STATE), ("run_count", _C),
        ("start_time", _NN), ("end_time", _NN), ("parent_flow_run_id", _TN),
        ("parent_task_run_id", _TN), ("deployment_id", _TN), ("process", _TN),
    ),
    "flow_run_state": (
        ("id", _T), ("state", _STATE), ("run_count", _C), ("start_time", _NN),
        ("end_time", _NN),
    ),
    "task_run": (
        ("id", _T), ("flow_run_id", _TN), ("name", _T), ("task_name", _T), ("task_key", _T),
        ("dynamic_key", _TN), ("tags", _TAGS), ("state", _STATE), ("run_count", _C),
        ("cache_key", _TN), ("start_time", _NN), ("end_time", _NN), ("process", _TN),
    ),
    "task_run_state": (
        ("id", _T), ("state", _STATE), ("run_count", _C), ("cache_key", _TN),
        ("start_time", _NN), ("end_time", _NN),
    ),
    "state": (("run_id", _T), ("state", _STATE)),
    "log": (
        ("flow_run_id", _TN), ("task_run_id", _TN), ("level", _C), ("logger", _T),
        ("message", _T), ("timestamp", _N),
    ),
    "event": (
        ("id", _T), ("occurred", _N), ("event", _T), ("resource_id", _T), ("body", _T),
        ("related_ids", _T),
    ),
}  # fmt: skip
#: kind -> (allowed classes of the record's items, kind first; (position, check) of the
#: items checked further)
_CHECKS = {
    kind: (
        (_T, *(allowed for _, allowed in spec)),
        tuple((i + 1, _DEEPER[name]) for i, (name, _) in enumerate(spec) if name in _DEEPER),
    )
    for kind, spec in _ARGUMENTS.items()
}
_member = frozenset.__contains__


def _problem(index: int, record: list[Any]) -> str:
    kind = record[0]
    spec = _ARGUMENTS[kind]
    if len(record) - 1 != len(spec):
        names = ", ".join(name for name, _ in spec)
        return f"records[{index}] ({kind}): expected {len(spec)} arguments ({names})"
    for (name, allowed), value in zip(spec, record[1:], strict=True):
        deeper = _DEEPER.get(name)
        if value.__class__ not in allowed or (deeper is not None and not deeper(value)):
            return f"records[{index}] ({kind}): invalid {name} {value!r:.80}"
    return f"records[{index}] ({kind}): invalid"


class IngestBatch(BaseModel):
    """The documented shape of a batch (the handler parses the body itself, for speed)."""

    model_config = ConfigDict(extra="forbid")

    batch: str | None = Field(None, description="client-chosen id; a resent batch is kept once")
    records: list[list[Any]] = Field(description="calls in order: [kind, *arguments]")


def parse_batch(body: bytes) -> tuple[str | None, list[list[Any]]]:
    """The batch id and the validated records; ValueError naming the first bad one."""
    try:
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            # what orjson refuses and json takes: NaN and Infinity, integers past 64 bits
            payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the body is not JSON: {exc}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise ValueError('expected {"batch": "<id>", "records": [[kind, ...], ...]}')
    batch = payload.get("batch")
    if batch is not None and not isinstance(batch, str):
        raise ValueError("batch must be a string")
    records = payload["records"]
    checks = _CHECKS.get
    for index, record in enumerate(records):
        check = checks(record[0]) if record.__class__ is list and record else None
        if check is None:
            raise ValueError(
                f"records[{index}]: expected [kind, ...] with kind one of {sorted(_ARGUMENTS)}"
            )
        spec, deeper = check
        if (
            len(record) != len(spec)
            or not all(map(_member, spec, map(type, record)))
            or not all(valid(record[at]) for at, valid in deeper)
        ):
            raise ValueError(_problem(index, record))
    return batch, records


class _SeenBatches:
    """Ids of recently committed batches (a resend after a lost reply is not rewritten)."""

    def __init__(self, size: int = 10_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def __contains__(self, batch: str) -> bool:
        with self._lock:
            return batch in self._ids

    def add(self, batch: str) -> None:
        with self._lock:
            self._ids[batch] = None
            while len(self._ids) > self._size:
                self._ids.popitem(last=False)


_seen = _SeenBatches()
_ingest_lock = threading.Lock()


def _without_stored_task_runs(records: list[list[Any]]) -> list[list[Any]]:
    """The records minus inserts of task runs already stored: a batch committed just
    before a server crash is resent by its client after the restart (its id forgotten)."""
    ids = [record[1] for record in records if record[0] == "task_run"]
    if not ids:
        return records
    stored = {row["id"] for row in store().runs.read_task_runs(TaskRunQuery(ids=ids, limit=None))}
    if not stored:
        return records
    return [record for record in records if record[0] != "task_run" or record[1] not in stored]


def _ingest(body: bytes) -> dict[str, Any]:
    batch, records = parse_batch(body)
    with _ingest_lock:  # one batch at a time, so a resent batch cannot race its first copy
        if batch is not None and batch in _seen:
            return {"accepted": 0, "duplicate": True}
        events = [record for record in records if record[0] == "event"]
        if events:
            records = [record for record in records if record[0] != "event"]
        store().runs.record_calls(_without_stored_task_runs(records))
        for event in events:
            store().events.record_event(*event[1:])  # type: ignore[attr-defined]
        if not store().flush(timeout=120):
            raise RuntimeError("the store did not commit the batch in time")
        if batch is not None:
            _seen.add(batch)
    return {"accepted": len(records) + len(events), "duplicate": False}


@router.post(
    "/ingest",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": IngestBatch.model_json_schema()}},
        }
    },
)
async def ingest(request: Request) -> dict[str, Any]:
    """Record a batch of run-record calls; replies once they are committed."""
    body = await request.body()
    return await run_in_threadpool(_ingest, body)
