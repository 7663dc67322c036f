"""Events: receive (`POST /api/events`, as Prefect's client sends them), read and filter,
and webhooks (`/api/hooks/<slug>` turns any HTTP call into an event through a template).

`POST /api/events` answers once the events are committed; an event id stored before is
kept once, so a client may resend a batch whose answer it lost.
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from headrace.server.errors import validation_detail
from headrace.server.routes.common import Router, found, respond, store
from headrace.store.interface import EventQuery

router = Router(tags=["events"])

#: at most this many events per POST
MAX_BATCH = 50_000


class EventFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: list[str] | None = Field(None, description="event names; `prefix*` matches a prefix")
    resource_ids: list[str] | None = Field(None, description="resource ids; `prefix*` too")
    related_resource_ids: list[str] | None = None
    occurred_after: float | None = None
    occurred_before: float | None = None
    sort: Literal["occurred_desc", "occurred_asc"] = "occurred_desc"
    limit: int | None = Field(200, ge=0, le=10_000)
    offset: int = Field(0, ge=0)


_events_adapter: TypeAdapter[Any] | None = None


def _adapter() -> TypeAdapter[Any]:
    global _events_adapter
    if _events_adapter is None:
        from headrace.events.schemas.events import Event

        _events_adapter = TypeAdapter(list[Event])
    return _events_adapter


def _parse_events(raw: Any) -> list[dict[str, Any]]:
    """Rows of the events, checked; ValidationError (the models' message) for a bad one."""
    from headrace.events.utilities import event_to_row, row_from_json

    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        raise ValueError("expected a JSON list of events")
    if len(raw) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} events per request")
    now = time.time()
    rows = [row_from_json(item, now) for item in raw]
    if all(row is not None for row in rows):
        return rows  # type: ignore[return-value]
    # something is off: the models say what (and accept what the quick check does not,
    # such as an `occurred` given as a number)
    return [event_to_row(event, now) for event in _adapter().validate_python(raw)]


def _store_events(body: bytes) -> dict[str, Any]:
    try:
        raw = json.loads(body)
    except ValueError as exc:
        raise ValueError(f"the body is not JSON: {exc}") from None
    rows = _parse_events(raw)
    store().events.write_events(rows)  # type: ignore[attr-defined]
    _wake_evaluator()
    return {"accepted": len(rows)}


def _wake_evaluator() -> None:
    from headrace.server import lifecycle as server_app

    evaluator = getattr(server_app, "evaluator", None)
    if evaluator is not None:
        evaluator.wake()


def _invalid(exc: ValidationError) -> JSONResponse:
    errors = validation_detail(list(exc.errors()))
    message = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'event'}: {e['msg']}" for e in errors[:5]
    )
    return JSONResponse(
        {"detail": errors, "message": f"invalid event: {message}", "error": "ValueError"}, 422
    )


@router.post("/events")
async def create_events(request: Request) -> Any:
    """Store a list of events (Prefect's `Event` JSON); replies once committed."""
    body = await request.body()
    try:
        return await run_in_threadpool(_store_events, body)
    except ValidationError as exc:
        return _invalid(exc)


@router.post("/events/filter")
def read_events(body: EventFilter | None = None) -> JSONResponse:
    """Events, newest first unless `sort` says otherwise; one page."""
    query = EventQuery(**(body or EventFilter()).model_dump())
    return respond(store().events.read_events(query))  # type: ignore[attr-defined]


@router.post("/events/count")
def count_events(body: EventFilter | None = None) -> int:
    query = EventQuery(**(body or EventFilter()).model_dump())
    return store().events.count_events(query)  # type: ignore[attr-defined]


# -- webhooks ---------------------------------------------------------------------------
class WebhookWrite(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    description: str = ""
    template: str = Field(min_length=1)
    enabled: bool = True
    overwrite: bool = False


@router.get("/webhooks")
def list_webhooks() -> JSONResponse:
    return respond(store().events.list_webhooks())  # type: ignore[attr-defined]


@router.get("/webhooks/{slug}")
def read_webhook(slug: str) -> JSONResponse:
    return respond(found(store().events.read_webhook(slug), f"webhook {slug!r}"))  # type: ignore[attr-defined]


@router.put("/webhooks/{slug}")
def save_webhook(slug: str, body: WebhookWrite) -> JSONResponse:
    """Create (or with `overwrite`, change) the webhook at this slug; the template is
    checked first."""
    from headrace.events.webhooks import check_template

    check_template(body.template)
    row = {"slug": slug, "name": body.name, "description": body.description,
           "template": body.template, "enabled": body.enabled, "created": time.time()}  # fmt: skip
    return respond(store().events.save_webhook(row, body.overwrite))  # type: ignore[attr-defined]


@router.delete("/webhooks/{slug}")
def delete_webhook(slug: str) -> dict[str, bool]:
    return {"deleted": store().events.delete_webhook(slug)}  # type: ignore[attr-defined]


def _hook(slug: str, method: str, headers: dict[str, str], body: bytes, query: str) -> Response:
    from headrace.events.webhooks import WebhookError, render_event

    webhook = store().events.read_webhook(slug)  # type: ignore[attr-defined]
    if webhook is None or not webhook["enabled"]:
        return JSONResponse({"detail": "not found", "message": "not found"}, 404)
    try:
        data = render_event(webhook["template"], method, headers, body, query)
        rows = _parse_events([data])
    except WebhookError as exc:
        return JSONResponse({"detail": str(exc), "message": str(exc)}, 400)
    except ValidationError as exc:
        return _invalid(exc)
    store().events.write_events(rows)  # type: ignore[attr-defined]
    _wake_evaluator()
    return Response(status_code=204)


@router.api_route(
    "/hooks/{slug}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    include_in_schema=True,
)  # fmt: skip
async def call_webhook(slug: str, request: Request) -> Response:
    """A webhook call: rendered through the webhook's template into an event (204), or a
    400 saying why it could not be."""
    body = await request.body()
    headers = dict(request.headers)
    query = request.url.query
    return await run_in_threadpool(_hook, slug, request.method, headers, body, query)
