"""`headrace artifact ls | inspect | delete`: what runs published, by key and version."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from headrace.cli._output import clear_errors, emit, json_option, table
from headrace.store import get_store
from headrace.store.interface import ArtifactQuery, ArtifactRow


@click.group("artifact")
def artifact() -> None:
    """Artifacts: reports, tables, links, progress and images that runs published."""


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def _preview(row: ArtifactRow, width: int = 60) -> str:
    data = row["data"]
    text = data if isinstance(data, str) else json.dumps(data)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@artifact.command("ls")
@click.option("--all", "show_all", is_flag=True, help="Every version and unkeyed ones too.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1))
@json_option
def artifact_ls(show_all: bool, limit: int, as_json: bool) -> None:
    """The newest version of each key (with --all: every artifact, newest first)."""
    if show_all:
        query = ArtifactQuery(limit=limit)
    else:
        query = ArtifactQuery(latest_only=True, sort="key_asc", limit=limit)
    rows = get_store().artifacts.list(query)
    emit(
        rows,
        as_json,
        lambda: table(
            ["id", "key", "version", "type", "updated", "data"],
            [
                [
                    r["id"][:8],
                    r["key"] or "-",
                    r["version"] or "-",
                    r["type"],
                    _when(r["updated"]),
                    _preview(r),
                ]
                for r in rows
            ],  # fmt: skip
        ),
    )


@artifact.command("inspect")
@click.argument("key_or_id")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1))
@json_option
def artifact_inspect(key_or_id: str, limit: int, as_json: bool) -> None:
    """The versions of KEY, newest first (or one artifact, given its id or id prefix)."""
    store = get_store()
    rows = store.artifacts.list(ArtifactQuery(keys=[key_or_id], sort="key_asc", limit=limit))
    if not rows:
        one = store.artifacts.read(key_or_id)
        if one is None:
            raise click.ClickException(f"no artifact with key or id {key_or_id!r}")
        rows = [one]
    emit(rows, as_json, lambda: _show(rows))


def _show(rows: list[ArtifactRow]) -> None:
    for row in rows:
        title = f"{row['key'] or '(no key)'} v{row['version']}" if row["key"] else "(no key)"
        click.echo(f"{title}  {row['type']}  id {row['id']}")
        click.echo(f"  created {_when(row['created'])}  updated {_when(row['updated'])}")
        runs = [f"flow run {row['flow_run_id']}"] if row["flow_run_id"] else []
        runs += [f"task run {row['task_run_id']}"] if row["task_run_id"] else []
        if runs:
            click.echo("  " + ", ".join(runs))
        if row["description"]:
            click.echo(f"  {row['description']}")
        data: Any = row["data"]
        text = data if isinstance(data, str) else json.dumps(data, indent=2)
        click.echo("\n".join("  | " + line for line in str(text).splitlines() or [""]))


@artifact.command("delete")
@click.argument("key", required=False)
@click.option("--id", "artifact_id", help="Delete one artifact by id instead of a whole key.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def artifact_delete(key: str | None, artifact_id: str | None, yes: bool) -> None:
    """Delete every version of KEY, or one artifact with --id."""
    if (key is None) == (artifact_id is None):
        raise click.UsageError("give either a KEY or --id")
    store = get_store()
    with clear_errors():
        if artifact_id is not None:
            row = store.artifacts.read(artifact_id)
            if row is None:
                raise click.ClickException(f"no artifact with id {artifact_id!r}")
            store.artifacts.delete(row["id"])
            click.echo(f"Deleted artifact {row['id']}.")
            return
        rows = store.artifacts.list(ArtifactQuery(keys=[key], limit=None))  # type: ignore[list-item]
        if not rows:
            raise click.ClickException(f"no artifact with key {key!r}")
        if not yes:
            click.confirm(f"Delete {len(rows)} version(s) of {key!r}?", abort=True)
        for row in rows:
            store.artifacts.delete(row["id"])
        click.echo(f"Deleted {len(rows)} version(s) of {key!r}.")
