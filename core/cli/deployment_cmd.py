"""`headrace deployment` (alias `deployments`): list, inspect, run and delete deployments,
and manage their schedules (`deployment schedule ...`)."""

from __future__ import annotations

import json
from typing import Any

import click

from headrace.cli._output import clear_errors, emit, iso, json_option, print_json, table
from headrace.cli._runs_view import flow_run_json
from headrace.cli._schedules import describe, schedule_from_options, schedule_json
from headrace.deployments import records, run_deployment
from headrace.secret_parameters import masked_parameters


@click.group("deployment")
def deployment() -> None:
    """Deployments: list, inspect, run, delete, and their schedules."""


def _shown(record: Any) -> dict[str, Any]:
    """A deployment as `--output json` shows it: ISO times, real booleans, nested JSON,
    encrypted secret parameters masked."""
    data = record.to_dict()
    data["parameters"] = masked_parameters(data["parameters"])
    data["paused"] = bool(data["paused"])
    data["created"] = iso(data["created"])
    data["updated"] = iso(data["updated"])
    data["schedules"] = [schedule_json(i, s) for i, s in enumerate(record.schedules, 1)]
    return data


@deployment.command("ls")
@json_option
def deployment_ls(as_json: bool) -> None:
    """List deployments."""
    found = records.list_deployments()
    emit(
        [_shown(d) for d in found],
        as_json,
        lambda: table(
            ["Name", "Pool", "Entrypoint", "Schedules"],
            [
                [
                    d.full_name,
                    d.work_pool_name or "(served)",
                    d.entrypoint,
                    "; ".join(describe(s) for s in d.schedules) or "-",
                ]
                for d in found
            ],
        ),
    )


@deployment.command("inspect")
@click.argument("name")
@json_option
def deployment_inspect(name: str, as_json: bool) -> None:
    """Show a deployment (FLOW_NAME/DEPLOYMENT_NAME) and its 20 latest runs as JSON."""
    with clear_errors():
        record = records.get_deployment(name)
    data = _shown(record)
    data["runs"] = [flow_run_json(dict(run)) for run in records.deployment_runs(record.id)[-20:]]
    print_json(data)


@deployment.command("delete")
@click.argument("name")
def deployment_delete(name: str) -> None:
    """Delete a deployment and its unstarted runs (finished runs stay in the history)."""
    with clear_errors():
        records.delete_deployment(name)
    click.echo(f"Deleted deployment {name!r}.")


def _parse_param(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"expected KEY=VALUE, got {text!r}", param_hint="--param")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


@deployment.command("run")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, help="KEY=VALUE (VALUE read as JSON).")
@click.option("--params", "params_json", default=None, help="All parameters as a JSON object.")
@click.option("--watch", is_flag=True, help="Wait for the end; exit 1 unless Completed.")
@click.option("--timeout", type=float, default=None, help="With --watch: seconds to wait.")
def deployment_run(
    name: str, params: tuple[str, ...], params_json: str | None, watch: bool, timeout: float | None
) -> None:
    """Ask for a run of deployment NAME (FLOW_NAME/DEPLOYMENT_NAME)."""
    parameters: dict[str, Any] = {}
    if params_json:
        try:
            parameters.update(json.loads(params_json))
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"not JSON: {exc}", param_hint="--params") from None
    parameters.update(_parse_param(text) for text in params)
    with clear_errors():
        run = run_deployment(name, parameters=parameters, timeout=(timeout if watch else 0))
    click.echo(f"Created flow run {run.name!r} ({run.id}) in state {run.state_name}.")
    if watch:
        click.echo(f"Flow run {run.name!r} is {run.state_name}: {run.state_message or ''}".strip())
        if run.state_type != "COMPLETED":
            raise SystemExit(1)


# -- deployment schedule ------------------------------------------------------------------
@deployment.group("schedule")
def schedule() -> None:
    """A deployment's schedules: ls, create, pause, resume, delete, clear.

    SCHEDULE is the position `schedule ls` shows (1, 2, ...) or the schedule's slug.
    """


def _pick(record: Any, which: str) -> int:
    for position, data in enumerate(record.schedules, 1):
        if which == str(position) or (data.get("slug") and which == data["slug"]):
            return position - 1
    raise click.ClickException(
        f"deployment {record.full_name!r} has no schedule {which!r} "
        f"(it has {len(record.schedules)}; see `headrace deployment schedule ls`)"
    )


def _save(record: Any) -> None:
    with clear_errors():
        records.save_deployment(record)


@schedule.command("ls")
@click.argument("name")
@json_option
def schedule_ls(name: str, as_json: bool) -> None:
    """The schedules of deployment NAME."""
    with clear_errors():
        record = records.get_deployment(name)
    shown = [schedule_json(i, s) for i, s in enumerate(record.schedules, 1)]
    emit(
        shown,
        as_json,
        lambda: (
            table(
                ["#", "Schedule", "Timezone", "Active"],
                [[s["index"], s["schedule"], s.get("timezone"), s["active"]] for s in shown],
            )
            if shown
            else click.echo(f"Deployment {record.full_name!r} has no schedules.")
        ),
    )


@schedule.command("create")
@click.argument("name")
@click.option("--interval", type=float, default=None, help="Seconds between runs.")
@click.option("--anchor-date", default=None, help="The anchor of an interval schedule (ISO).")
@click.option("--rrule", default=None, help="An iCalendar RRULE string.")
@click.option("--cron", default=None, help="A cron string.")
@click.option("--day_or", "--day-or", "day_or", type=bool, default=True, show_default=True)
@click.option("--timezone", default=None, help="An IANA time zone such as Europe/Paris.")
@click.option("--active", type=bool, default=True, show_default=True)
@click.option("--replace", is_flag=True, help="Replace the deployment's schedules.")
@click.option("--accept-yes", "-y", is_flag=True, help="Do not ask before replacing.")
def schedule_create(
    name: str,
    interval: float | None,
    anchor_date: str | None,
    rrule: str | None,
    cron: str | None,
    day_or: bool,
    timezone: str | None,
    active: bool,
    replace: bool,
    accept_yes: bool,
) -> None:
    """Add a schedule to deployment NAME (exactly one of --interval, --cron, --rrule)."""
    import sys

    made = schedule_from_options(cron, interval, rrule, timezone, anchor_date, day_or, active)
    with clear_errors():
        record = records.get_deployment(name)
    if replace and record.schedules and not accept_yes and sys.stdin.isatty():
        click.confirm(f"Replace the {len(record.schedules)} schedule(s)?", abort=True)
    record.schedules = ([] if replace else list(record.schedules)) + [made.to_dict()]
    _save(record)
    click.echo(
        f"Created schedule {len(record.schedules)} of {record.full_name!r}: "
        f"{describe(made.to_dict())}."
    )


def _set_active(name: str | None, which: str | None, every: bool, active: bool) -> None:
    if every == bool(name or which):
        raise click.UsageError("give NAME and SCHEDULE, or --all")
    chosen = records.list_deployments() if every else [records.get_deployment(name or "")]
    changed = 0
    for record in chosen:
        positions = range(len(record.schedules)) if every else [_pick(record, which or "")]
        for position in positions:
            if bool(record.schedules[position].get("active", True)) != active:
                record.schedules[position] = {**record.schedules[position], "active": active}
                changed += 1
        _save(record)
    verb = "Resumed" if active else "Paused"
    click.echo(f"{verb} {changed} schedule(s).")


@schedule.command("pause")
@click.argument("name", required=False)
@click.argument("which", metavar="SCHEDULE", required=False)
@click.option("--all", "every", is_flag=True, help="Every schedule of every deployment.")
def schedule_pause(name: str | None, which: str | None, every: bool) -> None:
    """Pause a schedule (its runs not yet started are removed)."""
    with clear_errors():
        _set_active(name, which, every, False)


@schedule.command("resume")
@click.argument("name", required=False)
@click.argument("which", metavar="SCHEDULE", required=False)
@click.option("--all", "every", is_flag=True, help="Every schedule of every deployment.")
def schedule_resume(name: str | None, which: str | None, every: bool) -> None:
    """Resume a paused schedule."""
    with clear_errors():
        _set_active(name, which, every, True)


@schedule.command("delete")
@click.argument("name")
@click.argument("which", metavar="SCHEDULE")
@click.option("--accept-yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def schedule_delete(name: str, which: str, accept_yes: bool) -> None:
    """Delete one schedule of deployment NAME."""
    import sys

    with clear_errors():
        record = records.get_deployment(name)
    position = _pick(record, which)
    if not accept_yes and sys.stdin.isatty():
        click.confirm(f"Delete schedule {which} of {record.full_name!r}?", abort=True)
    del record.schedules[position]
    _save(record)
    click.echo(f"Deleted schedule {which} of {record.full_name!r}.")


@schedule.command("clear")
@click.argument("name")
@click.option("--accept-yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def schedule_clear(name: str, accept_yes: bool) -> None:
    """Delete every schedule of deployment NAME."""
    import sys

    with clear_errors():
        record = records.get_deployment(name)
    if not accept_yes and sys.stdin.isatty():
        click.confirm(f"Delete all schedules of {record.full_name!r}?", abort=True)
    record.schedules = []
    _save(record)
    click.echo(f"Cleared the schedules of {record.full_name!r}.")
