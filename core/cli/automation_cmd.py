"""`headrace automation ls | inspect | pause | resume | delete`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from headrace.cli._output import emit, json_option, table


def _repo() -> Any:
    from headrace.store import get_store

    return get_store().automations


def _find(ref: str) -> dict[str, Any]:
    """An automation by id, unique id prefix or name."""
    repo = _repo()
    row = repo.read(ref)
    if row is not None:
        return row
    rows = repo.list(name=ref)
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise click.ClickException(f"{len(rows)} automations are called {ref!r}; use an id")
    raise click.ClickException(f"no automation with id or name {ref!r}")


def _time(ts: float | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="seconds")


def _trigger_text(trigger: dict[str, Any]) -> str:
    if trigger.get("type") == "event":
        names = ", ".join(sorted(trigger.get("expect") or [])) or "any event"
        text = f"{trigger.get('posture', 'Reactive')}: {names}"
        if trigger.get("threshold", 1) != 1:
            text += f" x{trigger['threshold']}"
        return text
    inner = "; ".join(_trigger_text(t) for t in trigger.get("triggers", []))
    return f"{trigger.get('type')}({inner})"


@click.group()
def automation() -> None:
    """Automations: triggers on events and the actions they take."""


@automation.command("ls")
@json_option
def list_automations(as_json: bool) -> None:
    rows = _repo().list()
    emit(rows, as_json, lambda: table(
        ["id", "name", "enabled", "trigger", "actions", "fired", "last error"],
        [[r["id"][:8], r["name"], r["enabled"], _trigger_text(r["trigger"]),
          ", ".join(a["type"] for a in r["actions"]), r["fired_count"],
          (r["last_error"] or "")[:50]] for r in rows],
    ))  # fmt: skip


@automation.command("inspect")
@click.argument("ref")
@json_option
def inspect_automation(ref: str, as_json: bool) -> None:
    """An automation (by id, id prefix or name), with its recent actions and errors."""
    import json

    row = _find(ref)
    firings = _repo().firings(row["id"], 20)
    data = {**row, "firings": firings}

    def render() -> None:
        click.echo(f"{row['name']}  ({row['id']})  {'enabled' if row['enabled'] else 'paused'}")
        if row["description"]:
            click.echo(row["description"])
        click.echo(f"trigger: {json.dumps(row['trigger'], indent=2)}")
        click.echo(f"actions: {json.dumps(row['actions'], indent=2)}")
        click.echo(
            f"fired {row['fired_count']} time(s), last {_time(row['last_fired']) or 'never'}"
        )
        if row["last_error"]:
            click.echo(f"last error ({_time(row['last_error_at'])}): {row['last_error']}")
        if firings:
            table(["fired", "action", "status", "error"],
                  [[_time(f["fired"]), f["action_type"], f["status"], f["error"] or ""]
                   for f in firings])  # fmt: skip

    emit(data, as_json, render)


def _set_enabled(ref: str, enabled: bool) -> None:
    row = _find(ref)
    _repo().set_enabled(row["id"], enabled)
    click.echo(f"{'resumed' if enabled else 'paused'} automation {row['name']!r}")


@automation.command("pause")
@click.argument("ref")
def pause_automation(ref: str) -> None:
    """Stop evaluating an automation (by id, id prefix or name)."""
    _set_enabled(ref, False)


@automation.command("resume")
@click.argument("ref")
def resume_automation(ref: str) -> None:
    _set_enabled(ref, True)


@automation.command("delete")
@click.argument("ref")
def delete_automation(ref: str) -> None:
    row = _find(ref)
    _repo().delete(row["id"])
    click.echo(f"deleted automation {row['name']!r}")
