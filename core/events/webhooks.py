"""Webhooks: an opaque URL, `/api/hooks/<slug>`, that turns HTTP calls into events.

As in Prefect Cloud, a webhook is a Jinja template (sandboxed) that renders to the JSON
of an event: `{"event": "...", "resource": {"prefect.resource.id": "..."}, ...}`. The
template reads the call: `body` (the raw text), `json` (the body parsed as JSON, or
None), `form` (a form body, or None), `headers` (lower-case names), `method`, `query`.
A static template (no `body`) serves GET callers too. The slug is random and is the
only credential of the endpoint, like a Cloud webhook's URL: `rotate` changes it.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qs

from headrace.events import templates as _templates
from headrace.store.interface import WebhookRow


class WebhookError(ValueError):
    """A call the webhook's template cannot turn into an event."""


def _slug() -> str:
    return secrets.token_urlsafe(16)


def check_template(template: str) -> None:
    if not template.strip():
        raise ValueError("a webhook needs a template rendering to an event's JSON")
    _templates.check(template, "webhook template")


def create_webhook(
    name: str, template: str, description: str = "", enabled: bool = True, store: Any = None
) -> WebhookRow:
    """A new webhook with a random slug; the template is checked first."""
    from headrace.store import get_store

    check_template(template)
    row: WebhookRow = {
        "slug": _slug(),
        "name": name,
        "description": description,
        "template": template,
        "enabled": enabled,
        "created": time.time(),
    }
    return (store or get_store()).events.save_webhook(row, overwrite=False)


def rotate_webhook(slug: str, store: Any = None) -> WebhookRow:
    """The same webhook under a new slug (the old URL stops working)."""
    from headrace.exceptions import ObjectNotFound
    from headrace.store import get_store

    store = store or get_store()
    row = store.events.read_webhook(slug)
    if row is None:
        raise ObjectNotFound(f"webhook {slug!r} not found")
    new = store.events.save_webhook({**row, "slug": _slug()}, overwrite=False)
    store.events.delete_webhook(slug)
    return new


def render_event(
    template: str, method: str, headers: dict[str, str], body: bytes, query: str
) -> dict[str, Any]:
    """The event (as JSON data, not yet validated) a call renders to; WebhookError."""
    text = body.decode("utf-8", "replace")
    parsed: Any = None
    if text:
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
    form = None
    if "application/x-www-form-urlencoded" in headers.get("content-type", ""):
        form = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(text).items()}
    context = {
        "body": text,
        "json": parsed,
        "form": form,
        "headers": {k.lower(): v for k, v in headers.items()},
        "method": method,
        "query": {k: v[0] if len(v) == 1 else v for k, v in parse_qs(query).items()},
    }
    try:
        rendered = _templates.render(template, context, "webhook template")
    except _templates.TemplateError as exc:
        raise WebhookError(str(exc)) from None
    try:
        data = json.loads(rendered)
    except ValueError as exc:
        raise WebhookError(f"the webhook template did not render to JSON ({exc})") from None
    if not isinstance(data, dict):
        raise WebhookError("the webhook template must render to a JSON object (an event)")
    return data
