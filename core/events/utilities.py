"""`emit_event`: record that something happened, from anywhere (a flow, a task, a script).

Emitting costs what a run record costs: the event is checked, turned into one row and
queued for the store's background writer (or, with `HEADRACE_API_URL`, for the batch
shipper to the server); nothing waits on a database or the network. Inside a flow run,
the run's flow run, flow, deployment and tags are added as related resources, as Prefect
does. The event models (pydantic) load on the first `emit_event` call, so a flow that
emits nothing, and the run-state events headrace emits itself, do not pay for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from headrace.run_records import _RANDOM_MASK, _format_uuid, _getrandbits

if TYPE_CHECKING:
    import uuid

    from headrace.events.schemas.events import Event, RelatedResource

RESOURCE_ID = "prefect.resource.id"
RESOURCE_ROLE = "prefect.resource.role"
_UTC = dt.timezone.utc
_from_ts = dt.datetime.fromtimestamp
_now = time.time
_dumps = json.JSONEncoder(separators=(",", ":"), default=str).encode
try:  # one C encoder made once: `json.dumps` builds a new one per call
    from json.encoder import c_make_encoder, encode_basestring_ascii

    _encoder = c_make_encoder(
        None, str, encode_basestring_ascii, None, ":", ",", False, False, True
    )

    def _dump(value: Any) -> str:
        return "".join(_encoder(value, 0))
except ImportError:  # pragma: no cover - CPython always has the C encoder
    _dump = _dumps
_time_ns = time.time_ns


def _new_id_bits() -> int:
    """A time-ordered UUID (version 7, as task runs): events are written by the thousand
    and ids that grow with time append at the right edge of the store's index."""
    return (
        (_time_ns() // 1_000_000) << 80 | 0x7 << 76 | _getrandbits(76) & _RANDOM_MASK | 0b10 << 62
    )


#: an event (as JSON) larger than this is refused, as Prefect's default maximum size
MAX_EVENT_BYTES = 1_500_000
#: the namespace of `headrace.client.schemas.objects.flow_id` (ids derived from names)
_NAMESPACE = bytes.fromhex("6f0c1f0e7a5b4b8e9d3e68656164726d")


class EventTooLarge(ValueError):
    """An event bigger than the store accepts."""


def name_id(name: str) -> str:
    """The UUID (version 5) `get_client()` gives an object known by its name."""
    digest = int.from_bytes(hashlib.sha1(_NAMESPACE + name.encode()).digest()[:16], "big")
    digest = (digest & ~(0xF000 << 64)) | (0x5000 << 64)
    return _format_uuid((digest & ~(0xC000 << 48)) | (0x8000 << 48))


def work_pool_id(name: str) -> str:
    """The id events and `PauseWorkPool(work_pool_id=...)` use for the pool called `name`."""
    return name_id("work-pool:" + name)


def _labels(value: Any, what: str) -> dict[str, str]:
    root = getattr(value, "root", None)
    if isinstance(root, dict):
        value = root
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a dict of labels, not {type(value).__name__}")
    labels = dict(value)
    for key, item in labels.items():
        if type(item) is not str or type(key) is not str:
            raise TypeError(f"{what}: label {key!r} must map a string to a string")
    if not labels.get(RESOURCE_ID):
        raise ValueError(f"{what} needs a {RESOURCE_ID!r} label")
    return labels


def _related_labels(related: Sequence[Any]) -> list[dict[str, str]]:
    out = []
    for index, item in enumerate(related):
        labels = _labels(item, f"related[{index}]")
        if not labels.get(RESOURCE_ROLE):
            raise ValueError(f"related[{index}] needs a {RESOURCE_ROLE!r} label")
        out.append(labels)
    return out


def flow_run_related(
    run_id: str | None,
    run_name: str | None,
    flow_name: str,
    deployment_id: str | None,
    tags: Any,
    work_pool_name: str | None = None,
) -> list[dict[str, str]]:
    """The related resources of an event about a flow run's objects, as Prefect names them."""
    related = []
    if run_id is not None:
        related.append({RESOURCE_ID: f"prefect.flow-run.{run_id}", RESOURCE_ROLE: "flow-run",
                        "prefect.resource.name": run_name or ""})  # fmt: skip
    related.append({RESOURCE_ID: f"prefect.flow.{name_id(flow_name)}", RESOURCE_ROLE: "flow",
                    "prefect.resource.name": flow_name})  # fmt: skip
    if deployment_id:
        related.append({RESOURCE_ID: f"prefect.deployment.{deployment_id}",
                        RESOURCE_ROLE: "deployment"})  # fmt: skip
    if work_pool_name:
        related.append({RESOURCE_ID: f"prefect.work-pool.{work_pool_id(work_pool_name)}",
                        RESOURCE_ROLE: "work-pool",
                        "prefect.resource.name": work_pool_name})  # fmt: skip
    related.extend(
        {RESOURCE_ID: f"prefect.tag.{tag}", RESOURCE_ROLE: "tag"} for tag in sorted(tags or ())
    )
    return related


class _RunRelated:
    """A flow run's related resources, built once per run: labels, JSON, ids and (on first
    use) the models the returned events share."""

    __slots__ = ("labels", "json", "ids", "models")

    def __init__(self, labels: list[dict[str, str]]) -> None:
        self.labels = labels
        self.json = _dumps(labels)
        self.ids = f" {' '.join(r[RESOURCE_ID] for r in labels)} "
        self.models: list[Any] | None = None


#: the related resources of recent flow runs (built once per run, not per event)
_run_related: dict[str, _RunRelated] = {}


_flow_run_context: Any = None


def _context_related() -> _RunRelated | None:
    global _flow_run_context
    if _flow_run_context is None:
        from headrace.context import FlowRunContext

        _flow_run_context = FlowRunContext._var
    ctx = _flow_run_context.get(None)
    if ctx is None:
        return None
    run = ctx.flow_run
    found = _run_related.get(run.id)
    if found is None:
        found = _RunRelated(
            flow_run_related(run.id, run.name, run.flow_name, run.deployment_id, run.tags)
        )
        if len(_run_related) > 256:
            _run_related.clear()
        _run_related[run.id] = found
    return found


def record_event(
    event: str,
    labels: dict[str, str],
    related: list[dict[str, str]] | None,
    payload: Mapping[str, Any],
    ts: float,
    event_id: str | None = None,
    follows: str | None = None,
    with_context: bool = True,
) -> tuple[str, Any]:
    """Queue one checked event for the store; returns its id and related resources (a
    list, or the run's `_RunRelated`)."""
    run = _context_related() if with_context else None
    if run is not None and related:
        seen = {r[RESOURCE_ID] for r in related}
        seen.add(labels[RESOURCE_ID])
        related = related + [r for r in run.labels if r[RESOURCE_ID] not in seen]
        run = None
    if run is not None:
        related_json, related_ids, related = run.json, run.ids, run.labels
    else:
        related = related or []
        related_json = _dump(related)
        related_ids = f" {' '.join(r[RESOURCE_ID] for r in related)} " if related else ""
    body = (
        f'{{"resource":{_dump(labels)},"related":{related_json},"payload":{_dump(payload)},'
        f'"follows":{"null" if follows is None else _dump(follows)}}}'
    )
    if len(body) > MAX_EVENT_BYTES:
        raise EventTooLarge(f"event {event!r} is {len(body)} bytes; the limit is {MAX_EVENT_BYTES}")
    if event_id is None:
        event_id = _format_uuid(_new_id_bits())
    _store().events.record_event(event_id, ts, event, labels[RESOURCE_ID], body, related_ids)
    if run is not None:
        return event_id, run
    return event_id, related


def emit_event(
    event: str,
    resource: dict[str, str],
    occurred: dt.datetime | None = None,
    related: list[dict[str, str]] | list[RelatedResource] | None = None,
    payload: dict[str, Any] | None = None,
    id: uuid.UUID | None = None,
    follows: Event | None = None,
    **kwargs: Any,
) -> Event:
    """Record an event and return it; raises ValueError/TypeError for a malformed one.

    `resource` needs `prefect.resource.id`; each of `related` also `prefect.resource.role`.
    `follows` (an earlier event) is kept when it happened within 5 minutes of this one.
    """
    if type(event) is not str or not event:
        raise ValueError("event must be a non-empty string such as 'my.thing.happened'")
    labels = _labels(resource, "resource")
    related_labels = _related_labels(related) if related else None
    if occurred is None:
        ts = _now()
        occurred = _from_ts(ts, _UTC)
    else:
        if occurred.tzinfo is None:
            occurred = occurred.replace(tzinfo=_UTC)
        ts = occurred.timestamp()
    if payload is None:
        payload = {}
    elif not isinstance(payload, Mapping):
        raise TypeError(f"payload must be a dict, not {type(payload).__name__}")
    follows_id = None
    if follows is not None and abs(ts - follows.occurred.timestamp()) < 300:
        follows_id = str(follows.id)
    bits = _new_id_bits() if id is None else id.int
    event_id, related_labels = record_event(
        event, labels, related_labels, payload, ts, _format_uuid(bits), follows_id
    )
    return _build_event(occurred, event, labels, related_labels, payload, bits, follows_id)


_UNKNOWN_SAFETY: Any = None
_new = object.__new__
_set = object.__setattr__
_models: Any = None


def _build_event(
    occurred: dt.datetime,
    event: str,
    labels: dict[str, str],
    related: Any,
    payload: Mapping[str, Any],
    id_bits: int,
    follows: str | None,
) -> Event:
    """The `Event` of checked values, without a second validation pass
    (`model_construct` costs several times more)."""
    global _models
    if _models is None:
        import uuid

        from headrace.events.schemas import events

        global _UNKNOWN_SAFETY
        _UNKNOWN_SAFETY = uuid.SafeUUID.unknown
        _models = (events.Event, events.Resource, events.RelatedResource, uuid.UUID)
    event_cls, resource_cls, related_cls, uuid_cls = _models
    if isinstance(related, _RunRelated):  # the run's own: models made once per run
        if related.models is None:
            related.models = [_fast(related_cls, {"root": r}, _ROOT_SET) for r in related.labels]
        models = list(related.models)
    else:
        models = [_fast(related_cls, {"root": r}, _ROOT_SET) for r in related]
    values = {
        "occurred": occurred,
        "event": event,
        "resource": _fast(resource_cls, {"root": labels}, _ROOT_SET),
        "related": models,
        "payload": dict(payload),
        "id": _uuid(uuid_cls, id_bits),
        "follows": None if follows is None else uuid_cls(follows),
    }
    return _fast(event_cls, values, _EVENT_SET)


def _uuid(cls: type, bits: int) -> Any:
    """A UUID from its 128 bits without `UUID.__init__`'s argument checks."""
    value = _new(cls)
    _set(value, "int", bits)
    _set(value, "is_safe", _UNKNOWN_SAFETY)
    return value


def _fast(cls: type, values: dict[str, Any], fields: frozenset[str]) -> Any:
    obj = _new(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", fields)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


_ROOT_SET = frozenset({"root"})
_EVENT_SET = frozenset({"occurred", "event", "resource", "related", "payload", "id", "follows"})


_get_store: Any = None


def _store() -> Any:
    global _get_store
    if _get_store is None:
        from headrace.store import get_store

        _get_store = get_store
    return _get_store()


def event_from_row(row: Mapping[str, Any]) -> Event:
    """An `Event` (a `ReceivedEvent`) from a stored row."""
    from headrace.events.schemas.events import ReceivedEvent

    return ReceivedEvent.model_validate(
        {
            "occurred": _from_ts(row["occurred"], _UTC),
            "event": row["event"],
            "resource": row["resource"],
            "related": row["related"],
            "payload": row["payload"],
            "id": row["id"],
            "follows": row.get("follows"),
            "received": _from_ts(row["received"], _UTC),
        }
    )


def _is_labels(value: Any, role: bool) -> bool:
    return (
        type(value) is dict
        and type(value.get(RESOURCE_ID)) is str
        and value[RESOURCE_ID] != ""
        and (not role or (type(value.get(RESOURCE_ROLE)) is str and value[RESOURCE_ROLE] != ""))
        and all(type(v) is str for v in value.values())
    )


def _timestamp(value: Any, now: float) -> float | None:
    if value is None:
        return now
    if type(value) is str:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=_UTC)
        return parsed.timestamp()
    return None


def row_from_json(data: Any, received: float) -> dict[str, Any] | None:
    """The stored row of an event given as Prefect's JSON, checked without building the
    models (the server's ingest path); None if anything is off (the caller then validates
    with the models, for the error message)."""
    import uuid

    if type(data) is not dict or type(data.get("event")) is not str or not data["event"]:
        return None
    resource, related = data.get("resource"), data.get("related", [])
    payload = data.get("payload", {})
    if not _is_labels(resource, False) or type(related) is not list or type(payload) is not dict:
        return None
    if not all(_is_labels(r, True) for r in related):
        return None
    occurred = _timestamp(data.get("occurred"), received)
    if occurred is None:
        return None
    try:
        event_id = str(uuid.UUID(data["id"])) if data.get("id") is not None else None
        follows = str(uuid.UUID(data["follows"])) if data.get("follows") is not None else None
    except (TypeError, ValueError, AttributeError):
        return None
    return {
        "id": event_id or _format_uuid(_new_id_bits()),
        "occurred": occurred,
        "event": data["event"],
        "resource": resource,
        "related": related,
        "payload": payload,
        "follows": follows,
        "received": received,
    }


def event_to_row(event: Event, received: float | None = None) -> dict[str, Any]:
    """The stored row of an `Event` (the server's `POST /api/events` uses it)."""
    return {
        "id": str(event.id),
        "occurred": event.occurred.timestamp(),
        "event": event.event,
        "resource": dict(event.resource.root),
        "related": [dict(r.root) for r in event.related],
        "payload": json.loads(_dumps(event.payload)),
        "follows": None if event.follows is None else str(event.follows),
        "received": time.time() if received is None else received,
    }


__all__ = [
    "EventTooLarge",
    "emit_event",
    "event_from_row",
    "event_to_row",
    "flow_run_related",
    "name_id",
    "record_event",
    "work_pool_id",
]
