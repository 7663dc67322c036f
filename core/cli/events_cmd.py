"""`headrace events ls | stream | emit` and `headrace events webhook create | ls | rotate |
delete`: events in the store (or on the server, with `HEADRACE_API_URL`)."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import click

from headrace.cli._output import clear_errors, emit, json_option, table


def _when(value: str | None) -> float | None:
    """A time from `30s`, `15m`, `2h`, `7d` (that long ago) or an ISO-8601 date/time."""
    if not value:
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if value[-1] in units and value[:-1].replace(".", "", 1).isdigit():
        return time.time() - float(value[:-1]) * units[value[-1]]
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: use 30s, 15m, 2h, 7d or an ISO date/time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.timestamp()


def _query(
    names: tuple[str, ...], resources: tuple[str, ...], related: tuple[str, ...],
    since: str | None, until: str | None, **more: Any,
) -> Any:  # fmt: skip
    from headrace.store.interface import EventQuery

    return EventQuery(
        names=list(names) or None,
        resource_ids=list(resources) or None,
        related_resource_ids=list(related) or None,
        occurred_after=_when(since),
        occurred_before=_when(until),
        **more,
    )


def _store() -> Any:
    from headrace.store import get_store

    return get_store()


def _time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="milliseconds")


def _line(event: dict[str, Any]) -> str:
    payload = json.dumps(event["payload"], default=str) if event["payload"] else ""
    return f"{_time(event['occurred'])}  {event['event']}  {event['resource']['prefect.resource.id']}  {payload}".rstrip()  # noqa: E501


filters = [
    click.option("--event", "names", multiple=True, help="Event name; `prefix*` for a prefix."),
    click.option("--resource", "resources", multiple=True, help="Resource id; `prefix*` too."),
    click.option("--related", multiple=True, help="Id of a related resource."),
    click.option("--since", help="Only events after this: 30s, 15m, 2h, 7d or ISO time."),
    click.option("--until", help="Only events before this (same forms)."),
]


def with_filters(command: Any) -> Any:
    for option in reversed(filters):
        command = option(command)
    return command


@click.group()
def events() -> None:
    """Events: what happened to flow runs, deployments, work pools and your own resources."""


@events.command("ls")
@with_filters
@click.option("--limit", default=50, show_default=True, help="At most this many.")
@json_option
def list_events(
    names: tuple[str, ...], resources: tuple[str, ...], related: tuple[str, ...],
    since: str | None, until: str | None, limit: int, as_json: bool,
) -> None:  # fmt: skip
    """The most recent events, newest first."""
    with clear_errors():
        rows = _store().events.read_events(
            _query(names, resources, related, since, until, limit=limit)
        )
    emit(
        rows,
        as_json,
        lambda: table(
            ["occurred", "event", "resource", "payload"],
            [[_time(r["occurred"]), r["event"], r["resource"]["prefect.resource.id"],
              json.dumps(r["payload"], default=str)[:60] if r["payload"] else ""]
             for r in rows],
        ),
    )  # fmt: skip


@events.command("stream")
@with_filters
@click.option("--follow", "-f", is_flag=True, help="Keep printing new events until Ctrl+C.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between looks (follow).")
def stream_events(
    names: tuple[str, ...], resources: tuple[str, ...], related: tuple[str, ...],
    since: str | None, until: str | None, follow: bool, as_json: bool, interval: float,
) -> None:  # fmt: skip
    """Events oldest first, one per line; with --follow, then the new ones as they come."""
    store = _store()
    seen: dict[str, float] = {}
    after = _when(since) if since else (time.time() if follow else None)
    # events can be stored a moment after they happened: look back a little each time
    lookback = 10.0
    try:
        while True:
            with clear_errors():
                query = _query(names, resources, related, None, until, sort="occurred_asc",
                               limit=5000)  # fmt: skip
                query.occurred_after = None if after is None else after - (lookback if seen else 0)
                rows = store.events.read_events(query)
            for row in rows:
                if row["id"] in seen:
                    continue
                seen[row["id"]] = row["occurred"]
                click.echo(json.dumps(row, default=str) if as_json else _line(row))
                after = row["occurred"] if after is None else max(after, row["occurred"])
            if not follow:
                return
            if after is not None:
                seen = {k: v for k, v in seen.items() if v >= after - lookback}
            time.sleep(interval)
    except KeyboardInterrupt:
        return


@events.command("emit")
@click.argument("event")
@click.option("--resource-id", required=True, help="The resource's `prefect.resource.id`.")
@click.option("--label", multiple=True, help="Another resource label, KEY=VALUE.")
@click.option("--payload", help="The payload, a JSON object.")
def emit_event(event: str, resource_id: str, label: tuple[str, ...], payload: str | None) -> None:
    """Record an event (e.g. from a shell script or CI job)."""
    from headrace.events.utilities import emit_event as emit_one

    resource = {"prefect.resource.id": resource_id}
    for item in label:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: use KEY=VALUE", param_hint="--label")
        resource[key] = value
    try:
        data = json.loads(payload) if payload else None
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--payload") from None
    with clear_errors():
        sent = emit_one(event, resource, payload=data)
        _store().flush()
    click.echo(str(sent.id))


@events.group("webhook")
def webhook() -> None:
    """Webhooks: `/api/hooks/<slug>` on the server turns HTTP calls into events."""


@webhook.command("create")
@click.argument("name")
@click.option("--template", required=True, help="Jinja template rendering to an event's JSON.")
@click.option("--description", default="")
@json_option
def create_webhook(name: str, template: str, description: str, as_json: bool) -> None:
    """Create a webhook; prints its slug (the URL is <server>/api/hooks/<slug>)."""
    from headrace.events.webhooks import create_webhook as create

    with clear_errors():
        row = create(name, template, description)
    emit(row, as_json, lambda: click.echo(f"created webhook {name!r}: /api/hooks/{row['slug']}"))


@webhook.command("ls")
@json_option
def list_webhooks(as_json: bool) -> None:
    rows = _store().events.list_webhooks()
    emit(rows, as_json, lambda: table(
        ["name", "slug", "enabled", "template"],
        [[r["name"], r["slug"], r["enabled"], r["template"][:60]] for r in rows],
    ))  # fmt: skip


@webhook.command("rotate")
@click.argument("slug")
def rotate_webhook(slug: str) -> None:
    """Give a webhook a new slug (the old URL stops working)."""
    from headrace.events.webhooks import rotate_webhook as rotate

    with clear_errors():
        row = rotate(slug)
    click.echo(f"webhook {row['name']!r} is now /api/hooks/{row['slug']}")


@webhook.command("delete")
@click.argument("slug")
def delete_webhook(slug: str) -> None:
    if not _store().events.delete_webhook(slug):
        raise click.ClickException(f"no webhook with slug {slug!r}")
    click.echo(f"deleted webhook {slug}")
