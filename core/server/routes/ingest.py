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
from collections.abc import Callable
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from headrace.server.routes.common import Router, store
from headrace.states import StateType
from headrace.store.interface import TaskRunQuery

router = Router(tags=["ingest"])

_STATE_TYPES = {kind.value: kind for kind in StateType}


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number_or_none(value: Any) -> bool:
    return value is None or _number(value)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _object(value: Any) -> bool:
    return isinstance(value, dict)


def _tags(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(tag, str) for tag in value)


def _state(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 4
        and value[0] in _STATE_TYPES
        and isinstance(value[1], str)
        and _text_or_none(value[2])
        and _number(value[3])
    )


def _event_body(value: Any) -> bool:
    """An event's JSON body: an object whose resource has a `prefect.resource.id`."""
    if not isinstance(value, str):
        return False
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


_T, _TN, _N, _NN, _C = _text, _text_or_none, _number, _number_or_none, _count
#: each kind's arguments: (name, check) in order; checked before anything is written
_ARGUMENTS: dict[str, tuple[tuple[str, Callable[[Any], bool]], ...]] = {
    "flow_run": (
        ("id", _T), ("name", _T), ("flow_name", _T), ("flow_version", _TN),
        ("parameters", _object), ("tags", _tags), ("state", _state), ("run_count", _C),
        ("start_time", _NN), ("end_time", _NN), ("parent_flow_run_id", _TN),
        ("parent_task_run_id", _TN), ("deployment_id", _TN), ("process", _TN),
    ),
    "flow_run_state": (
        ("id", _T), ("state", _state), ("run_count", _C), ("start_time", _NN),
        ("end_time", _NN),
    ),
    "task_run": (
        ("id", _T), ("flow_run_id", _TN), ("name", _T), ("task_name", _T), ("task_key", _T),
        ("dynamic_key", _TN), ("tags", _tags), ("state", _state), ("run_count", _C),
        ("cache_key", _TN), ("start_time", _NN), ("end_time", _NN), ("process", _TN),
    ),
    "task_run_state": (
        ("id", _T), ("state", _state), ("run_count", _C), ("cache_key", _TN),
        ("start_time", _NN), ("end_time", _NN),
    ),
    "state": (("run_id", _T), ("state", _state)),
    "log": (
        ("flow_run_id", _TN), ("task_run_id", _TN), ("level", _C), ("logger", _T),
        ("message", _T), ("timestamp", _N),
    ),
    "event": (
        ("id", _T), ("occurred", _N), ("event", _T), ("resource_id", _T), ("body", _event_body),
        ("related_ids", _T),
    ),
}  # fmt: skip
_CHECKS = {kind: tuple(check for _, check in spec) for kind, spec in _ARGUMENTS.items()}


def _problem(index: int, record: list[Any]) -> str:
    kind = record[0]
    spec = _ARGUMENTS[kind]
    if len(record) - 1 != len(spec):
        names = ", ".join(name for name, _ in spec)
        return f"records[{index}] ({kind}): expected {len(spec)} arguments ({names})"
    for (name, check), value in zip(spec, record[1:], strict=True):
        if not check(value):
            return f"records[{index}] ({kind}): invalid {name} {value!r:.80}"
    return f"records[{index}] ({kind}): invalid"


class IngestBatch(BaseModel):
    """The documented shape of a batch (the handler parses the body itself, for speed)."""

    model_config = ConfigDict(extra="forbid")

    batch: str | None = Field(None, description="client-chosen id; a resent batch is kept once")
    records: list[list[Any]] = Field(description="calls in order: [kind, *arguments]")


class _State:
    """A stored state as the SQL repository reads it from a live `State`."""

    __slots__ = ("type", "name", "message", "_ts")

    def __init__(self, raw: list[Any]) -> None:
        self.type = _STATE_TYPES[raw[0]]
        self.name, self.message, self._ts = raw[1], raw[2], raw[3]


class _Run:
    """A flow or task run as the SQL repository reads it from a live run object."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


def _flow_run(args: tuple[Any, ...]) -> _Run:
    (id_, name, flow_name, version, parameters, tags, state, run_count, start, end,
     parent_flow, parent_task, deployment, process) = args  # fmt: skip
    return _Run(
        id=id_, name=name, flow_name=flow_name, flow_version=version, parameters=parameters,
        tags=tags, state=_State(state), run_count=run_count, start_ts=start, end_ts=end,
        parent_flow_run_id=parent_flow, parent_task_run_id=parent_task,
        deployment_id=deployment, process=process,
    )  # fmt: skip


def _task_run(args: tuple[Any, ...]) -> _Run:
    (id_, flow_run_id, name, task_name, task_key, dynamic_key, tags, state, run_count,
     cache_key, start, end, process) = args  # fmt: skip
    return _Run(
        id=id_, flow_run_id=flow_run_id, name=name, task_name=task_name, task_key=task_key,
        dynamic_key=dynamic_key, tags=tags, state=_State(state), run_count=run_count,
        cache_key=cache_key, start_ts=start, end_ts=end, process=process,
    )  # fmt: skip


def _apply(calls: list[tuple[str, tuple[Any, ...]]]) -> None:
    runs = store().runs
    for kind, args in calls:
        if kind == "flow_run":
            runs.record_flow_run(_flow_run(args))
        elif kind == "flow_run_state":
            id_, state, run_count, start, end = args
            runs.record_flow_run_state(
                _Run(id=id_, state=_State(state), run_count=run_count, start_ts=start, end_ts=end)
            )
        elif kind == "task_run":
            runs.record_task_run(_task_run(args))
        elif kind == "task_run_state":
            id_, state, run_count, cache_key, start, end = args
            runs.record_task_run_state(
                _Run(
                    id=id_,
                    state=_State(state),
                    run_count=run_count,
                    cache_key=cache_key,
                    start_ts=start,
                    end_ts=end,
                )  # fmt: skip
            )
        elif kind == "state":
            runs.record_state(args[0], _State(args[1]))
        elif kind == "event":
            store().events.record_event(*args)  # type: ignore[attr-defined]
        else:
            runs.record_log(*args)


def _apply_check(check: Callable[[Any], bool], value: Any) -> bool:
    return check(value)


def parse_batch(body: bytes) -> tuple[str | None, list[tuple[str, tuple[Any, ...]]]]:
    """The batch id and the validated calls; ValueError naming the first bad record."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the body is not JSON: {exc}") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise ValueError('expected {"batch": "<id>", "records": [[kind, ...], ...]}')
    batch = payload.get("batch")
    if batch is not None and not isinstance(batch, str):
        raise ValueError("batch must be a string")
    calls = []
    for index, record in enumerate(payload["records"]):
        checks = _CHECKS.get(record[0]) if isinstance(record, list) and record else None
        if checks is None:
            raise ValueError(
                f"records[{index}]: expected [kind, ...] with kind one of {sorted(_ARGUMENTS)}"
            )
        args = record[1:]
        if len(args) != len(checks) or not all(map(_apply_check, checks, args)):
            raise ValueError(_problem(index, record))
        calls.append((record[0], args))
    return batch, calls


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


def _without_stored_task_runs(
    calls: list[tuple[str, tuple[Any, ...]]],
) -> list[tuple[str, tuple[Any, ...]]]:
    """The calls minus inserts of task runs already stored: a batch committed just before
    a server crash is resent by its client after the restart (its id forgotten)."""
    ids = [args[0] for kind, args in calls if kind == "task_run"]
    if not ids:
        return calls
    stored = {row["id"] for row in store().runs.read_task_runs(TaskRunQuery(ids=ids, limit=None))}
    if not stored:
        return calls
    return [call for call in calls if call[0] != "task_run" or call[1][0] not in stored]


def _ingest(body: bytes) -> dict[str, Any]:
    batch, calls = parse_batch(body)
    with _ingest_lock:  # one batch at a time, so a resent batch cannot race its first copy
        if batch is not None and batch in _seen:
            return {"accepted": 0, "duplicate": True}
        _apply(_without_stored_task_runs(calls))
        if not store().flush(timeout=120):
            raise RuntimeError("the store did not commit the batch in time")
        if batch is not None:
            _seen.add(batch)
    return {"accepted": len(calls), "duplicate": False}


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
