"""`headrace flow` (alias `flows`): the flows the store knows, and `flow serve`."""

from __future__ import annotations

from typing import Any

import click

from headrace.cli._output import iso, json_option, local_time, print_json, table
from headrace.cli._schedules import schedule_from_options
from headrace.store import get_store


@click.group("flow")
def flow() -> None:
    """Flows: the ones with runs or deployments, and serving one."""


@flow.command("ls")
@click.option("--limit", default=15, show_default=True, type=click.IntRange(1))
@json_option
def ls(limit: int, as_json: bool) -> None:
    """Flows by their last run, newest first, with their deployments."""
    from headrace.deployments import records

    store = get_store()
    deployments: dict[str, list[str]] = {}
    for record in records.list_deployments():
        deployments.setdefault(record.flow_name, []).append(record.name)
    found = {row["name"]: dict(row) for row in store.runs.read_flows(limit)}
    for name in sorted(deployments):
        if name not in found and len(found) < limit:
            found[name] = {"name": name, "runs": 0, "first_run": None, "last_run": None}
    flows = [
        {
            "name": name,
            "runs": row["runs"],
            "first_run": iso(row["first_run"]),
            "last_run": iso(row["last_run"]),
            "deployments": sorted(deployments.get(name, [])),
        }
        for name, row in found.items()
    ]
    if as_json:
        print_json(flows)
        return
    if not flows:
        click.echo("No flows found.")
        return
    table(
        ["Name", "Runs", "Last run", "Deployments"],
        [
            [f["name"], f["runs"], local_time(row["last_run"]), ", ".join(f["deployments"])]
            for f, row in zip(flows, found.values(), strict=True)
        ],
    )


@flow.command("serve")
@click.argument("entrypoint")
@click.option("--name", "-n", required=True, help="The name of the deployment to serve.")
@click.option("--description", "-d", default=None)
@click.option("--version", "-v", "version", default=None)
@click.option("--tag", "-t", "tags", multiple=True)
@click.option("--cron", default=None, help="A cron schedule.")
@click.option("--interval", type=float, default=None, help="Seconds between runs.")
@click.option("--rrule", default=None, help="An iCal RRULE schedule.")
@click.option("--timezone", default=None, help="The time zone of the schedule.")
@click.option("--limit", "-l", type=int, default=None, help="At most this many runs at once.")
def serve(
    entrypoint: str,
    name: str,
    description: str | None,
    version: str | None,
    tags: tuple[str, ...],
    cron: str | None,
    interval: float | None,
    rrule: str | None,
    timezone: str | None,
    limit: int | None,
) -> None:
    """Serve the flow at ENTRYPOINT (path/to/file.py:flow_function) as a deployment, running
    its scheduled and requested runs in this process until Ctrl-C."""
    from headrace.deployments import EntrypointError
    from headrace.deployments.loading import load_flow

    try:
        loaded = load_flow(None, entrypoint)
    except EntrypointError as exc:
        raise click.ClickException(str(exc)) from None
    options: dict[str, Any] = {
        "description": description,
        "version": version,
        "tags": list(tags) or None,
        "limit": limit,
    }
    if cron is not None or interval is not None or rrule is not None:
        options["schedules"] = [schedule_from_options(cron, interval, rrule, timezone)]
    try:
        loaded.serve(name, **{key: value for key, value in options.items() if value is not None})
    except (TypeError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
