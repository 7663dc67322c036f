"""`headrace flow-run` (alias `flow-runs`): list, inspect, follow, cancel, retry, delete,
resume and watch flow runs, as Prefect's `prefect flow-run` does.

A run is named by its id, a unique id prefix (what tables show at 80 columns) or, where
Prefect takes a name too (`retry`), by its run name.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from typing import Any

import click

from headrace.cli._output import (
    console,
    duration,
    fail,
    json_option,
    local_time,
    print_json,
    state_markup,
    table,
)
from headrace.cli._runs_view import (
    apply_state_filters,
    flow_run_json,
    is_final,
    log_json,
    log_line,
    parse_when,
    print_run_details,
    read_log_window,
    resolve_flow_run,
    state_history_json,
    task_run_json,
)
from headrace.store import get_store
from headrace.store.interface import FlowRunQuery, LogQuery, TaskRunQuery

#: `flow-run ls` and `logs --head/--tail` defaults, as in Prefect
DEFAULT_LIMIT = 15
DEFAULT_NUM_LOGS = 20
_POLL_SECONDS = 0.5


@click.group("flow-run")
def flow_run() -> None:
    """Flow runs: list, inspect, read logs, cancel, retry, delete, resume."""


def _ls_query(
    flow_names: tuple[str, ...],
    states: tuple[str, ...],
    state_types: tuple[str, ...],
    tags: tuple[str, ...],
    deployment: str | None,
    since: str | None,
    until: str | None,
    limit: int,
) -> FlowRunQuery:
    query = FlowRunQuery(limit=limit, sort="expected_start_time_desc")
    if flow_names:
        query.flow_names = list(flow_names)
    apply_state_filters(query, states, state_types)
    if tags:
        query.tags_all = list(tags)
    if deployment:
        from headrace.deployments import records

        try:
            query.deployment_ids = [records.get_deployment(deployment).id]
        except Exception as exc:  # ObjectNotFound, or an invalid name
            raise fail(str(exc)) from None
    if since:
        query.created_after = parse_when(since, "--since")
    if until:
        query.created_before = parse_when(until, "--until")
    return query


@flow_run.command("ls")
@click.option("--flow-name", "--flow", "flow_names", multiple=True, help="Only this flow's runs.")
@click.option("--state", "states", multiple=True, help="A state name (Running, Late, ...).")
@click.option("--state-type", "state_types", multiple=True, help="A state type (RUNNING, ...).")
@click.option("--tag", "tags", multiple=True, help="Only runs with this tag (all given).")
@click.option("--deployment", default=None, help="Only runs of FLOW_NAME/DEPLOYMENT_NAME.")
@click.option("--since", default=None, help="Created at or after: ISO time or 30m, 2h, 7d.")
@click.option("--until", default=None, help="Created at or before: ISO time or a span ago.")
@click.option("--limit", default=DEFAULT_LIMIT, show_default=True, type=click.IntRange(1))
@json_option
def ls(
    flow_names: tuple[str, ...],
    states: tuple[str, ...],
    state_types: tuple[str, ...],
    tags: tuple[str, ...],
    deployment: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Recent flow runs, newest first (scheduled runs that have not started are listed
    only when a --state or --state-type asks for them)."""
    query = _ls_query(flow_names, states, state_types, tags, deployment, since, until, limit)
    upcoming = 0
    if not states and not state_types:
        query.exclude_state_types = ["SCHEDULED"]
    runs = get_store().runs
    rows = runs.read_flow_runs(query)
    if as_json:
        print_json([flow_run_json(dict(row)) for row in rows])
        return
    if not states and not state_types:
        query.exclude_state_types = None
        query.state_types = ["SCHEDULED"]
        upcoming = runs.count_flow_runs(query)
    if not rows:
        click.echo("No flow runs found.")
    else:
        wide = console().width >= 120
        table(
            ["ID", "Flow", "Name", "State", "When", "Duration"],
            [
                [
                    row["id"] if wide else row["id"][:8],
                    row["flow_name"],
                    row["name"],
                    state_markup(row["state_type"], row["state_name"]),
                    local_time(row["start_time"] or row["created"]),
                    duration(row["start_time"], row["end_time"]),
                ]
                for row in rows
            ],
            markup=frozenset({"State"}),
            optional=("Duration",),
        )
    if upcoming:
        click.echo(f"{upcoming} scheduled run(s) not started yet: `--state scheduled` lists them.")


@flow_run.command("inspect")
@click.argument("flow_run_id", metavar="ID")
@click.option("--web", is_flag=True, help="Open the run in the web UI (needs HEADRACE_API_URL).")
@json_option
def inspect(flow_run_id: str, web: bool, as_json: bool) -> None:
    """A flow run's details: state history, task runs, times in ISO 8601."""
    row = resolve_flow_run(flow_run_id)
    if web:
        from headrace.cli.dashboard_cmd import open_in_browser

        open_in_browser(f"runs/{row['id']}")
        return
    store = get_store()
    data = flow_run_json(row)
    data["states"] = state_history_json(row["id"])
    tasks = store.runs.read_task_runs(TaskRunQuery(flow_run_ids=[row["id"]]))
    data["task_runs"] = [task_run_json(dict(task)) for task in tasks]
    if as_json:
        print_json(data)
        return
    _print_details(data)


def _print_details(data: dict[str, Any]) -> None:
    """The run's details and states, then one line per task run."""
    task_runs = data.pop("task_runs")
    print_run_details(data)
    click.echo(f"task runs: {len(task_runs)}")
    for task in task_runs:
        click.echo(f"  {task['id']}  {task['name']}  {task['state']['name']}")


@flow_run.command("logs", context_settings={"help_option_names": ["--help"]})
@click.argument("flow_run_id", metavar="ID")
@click.option("--head", "-h", is_flag=True, help=f"Only the first {DEFAULT_NUM_LOGS} lines.")
@click.option("--tail", "-t", is_flag=True, help=f"Only the last {DEFAULT_NUM_LOGS} lines.")
@click.option("--num-logs", "-n", type=click.IntRange(1), default=None, help="Lines for head/tail.")
@click.option("--reverse", "-r", is_flag=True, help="Newest lines first.")
@click.option(
    "--level",
    "-l",
    default=None,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], case_sensitive=False),
    help="Only lines at this level or above.",
)
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines until the run ends.")
@json_option
def logs(
    flow_run_id: str,
    head: bool,
    tail: bool,
    num_logs: int | None,
    reverse: bool,
    level: str | None,
    follow: bool,
    as_json: bool,
) -> None:
    """A flow run's log lines with time, level and task run name."""
    if follow and (head or reverse or as_json):
        raise click.UsageError("--follow prints lines as they come: not with --head, --reverse, -o")
    row = resolve_flow_run(flow_run_id)
    query = LogQuery(
        flow_run_ids=[row["id"]],
        level_min=logging.getLevelName(level.upper()) if level else None,
    )
    found = read_log_window(query, head, tail, num_logs, reverse, default=DEFAULT_NUM_LOGS)
    names = _task_names(row["id"])
    if as_json:
        print_json([log_json(log, names) for log in found])
        return
    for log in found:
        click.echo(log_line(log, row["name"], names))
    if follow:
        _follow(row, query, found, names)


def _task_names(flow_run_id: str) -> dict[str, str]:
    tasks = get_store().runs.read_task_runs(TaskRunQuery(flow_run_ids=[flow_run_id]))
    return {task["id"]: task["name"] for task in tasks}


def _follow(row: dict[str, Any], query: LogQuery, seen: list[dict[str, Any]], names: dict) -> None:
    """Print new lines until the run is final (then once more, for the last lines)."""
    runs = get_store().runs
    query.sort, query.limit = "timestamp_asc", None
    last = max((log["timestamp"] for log in seen), default=None)
    printed = {log["id"] for log in seen if log["timestamp"] == last}
    done = is_final(row)
    while True:
        query.after = last
        for log in runs.read_logs(query):
            if log["timestamp"] == last and log["id"] in printed:
                continue
            if log["task_run_id"] and log["task_run_id"] not in names:
                names.update(_task_names(row["id"]))
            click.echo(log_line(dict(log), row["name"], names))
            if log["timestamp"] != last:
                last, printed = log["timestamp"], set()
            printed.add(log["id"])
        if done:
            return
        time.sleep(_POLL_SECONDS)
        current = runs.read_flow_run(row["id"])
        done = current is None or is_final(dict(current))


@flow_run.command("cancel")
@click.argument("flow_run_id", metavar="ID")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the run.")
def cancel(flow_run_id: str, timeout: float) -> None:
    """Cancel a flow run: a scheduled or paused one at once, a running one by stopping its
    process (SIGTERM, on this machine) and marking it Cancelled."""
    row = resolve_flow_run(flow_run_id)
    runs = get_store().runs
    run_id = row["id"]
    message = "Cancelled with `headrace flow-run cancel`."
    if is_final(row):
        raise fail(f"Flow run {run_id!r} is already {row['state_name']}; nothing to cancel.")
    if row["state_type"] != "RUNNING":
        runs.set_flow_run_state(run_id, "CANCELLED", "Cancelled", message)
        click.echo(f"Flow run {run_id!r} was cancelled (it was {row['state_name']}).")
        return
    from headrace.store.runs import HOST, process_alive

    process = row.get("process") or ""
    key, _, host = process.partition("@")
    if host and host != HOST:
        raise fail(
            f"Flow run {run_id!r} runs on host {host!r}; cancel it there (headrace stops a "
            f"running flow by signalling its process, which only works on the same machine)."
        )
    runs.set_flow_run_state(run_id, "CANCELLING", "Cancelling", message)
    pid = int(key.partition(":")[0] or 0)

    def running() -> bool:
        return process_alive(process) and not _zombie(pid)

    if running():
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while running() and time.monotonic() < deadline:
            time.sleep(0.05)
        if running():
            raise fail(
                f"Flow run {run_id!r}'s process did not stop within {timeout:g} s; it is "
                f"marked Cancelling."
            )
    current = runs.read_flow_run(run_id)
    if current is None or not is_final(dict(current)):
        # the run's own process marks itself Cancelled when it stops in time (running its
        # on_cancellation hooks); one that could not is marked here
        runs.set_flow_run_state(run_id, "CANCELLED", "Cancelled", message, force=True)
    click.echo(f"Flow run {run_id!r} was cancelled.")


def _zombie(pid: int) -> bool:
    """An exited process its parent has not reaped yet: it runs nothing any more."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


@flow_run.command("retry")
@click.argument("id_or_name")
@click.option(
    "--entrypoint",
    "-e",
    default=None,
    help="path/to/file.py:flow_function to run the flow here (runs without a deployment).",
)
def retry(id_or_name: str, entrypoint: str | None) -> None:
    """Run a finished flow run again under the same id and parameters.

    A deployment's run is scheduled again for its worker (or `serve` process); any other run
    needs --entrypoint and runs in this process.
    """
    row = resolve_flow_run(id_or_name)
    run_id = row["id"]
    if not is_final(row):
        raise fail(
            f"Flow run {run_id!r} is {row['state_name']}; only a finished run (Completed, "
            f"Failed, Cancelled, Crashed) can be retried."
        )
    runs = get_store().runs
    if row.get("deployment_id") and not entrypoint:
        runs.set_flow_run_state(run_id, "SCHEDULED", "Scheduled", "Retried via CLI", force=True)
        click.echo(f"Flow run {run_id!r} is scheduled again; a worker will pick it up.")
        return
    if not entrypoint:
        raise fail(
            f"Flow run {run_id!r} has no deployment: give --entrypoint path/to/file.py:flow "
            f"to run it here."
        )
    from headrace.deployments import EntrypointError, RunRejected, records
    from headrace.deployments.execution import run_stored_flow_run
    from headrace.deployments.loading import load_flow

    try:
        flow = load_flow(None, entrypoint)
    except EntrypointError as exc:
        raise fail(f"could not load the flow from {entrypoint!r}: {exc}") from None
    runs.set_flow_run_state(run_id, "SCHEDULED", "Scheduled", "Retried via CLI", force=True)
    click.echo(f"Running flow run {run_id!r} here...")
    try:
        state = run_stored_flow_run(flow, records.run_row(run_id))
    except RunRejected as exc:
        raise fail(str(exc)) from None
    if not state.is_completed():
        raise fail(f"Flow run {run_id!r} ended {state.name}: {state.message or ''}".strip())
    click.echo(f"Flow run {run_id!r} completed.")


@flow_run.command("delete")
@click.argument("flow_run_id", metavar="ID")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def delete(flow_run_id: str, yes: bool) -> None:
    """Delete a flow run with its task runs, states and logs."""
    import sys

    row = resolve_flow_run(flow_run_id)
    if not is_final(row) and row["state_type"] not in ("SCHEDULED", None):
        raise fail(f"Flow run {row['id']!r} is {row['state_name']}; cancel it before deleting it.")
    if not yes and sys.stdin.isatty():
        click.confirm(f"Delete flow run {row['name']!r} ({row['id']})?", abort=True)
    if not get_store().runs.delete_flow_run(row["id"]):
        raise fail(f"Flow run {row['id']!r} not found!")
    click.echo(f"Deleted flow run {row['id']!r}.")


@flow_run.command("resume")
@click.argument("flow_run_id", metavar="ID")
@click.option(
    "--run-input",
    "--input",
    "run_input",
    default=None,
    help="The input a run waiting for input gets, as a JSON object.",
)
def resume(flow_run_id: str, run_input: str | None) -> None:
    """Resume a paused or suspended flow run."""
    import json

    from headrace.flow_runs import resume_flow_run

    row = resolve_flow_run(flow_run_id)
    values = None
    if run_input is not None:
        try:
            values = json.loads(run_input)
        except ValueError as exc:
            raise click.BadParameter(f"not JSON: {exc}", param_hint="--run-input") from None
        if not isinstance(values, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--run-input")
    try:
        resume_flow_run(row["id"], run_input=values)
    except Exception as exc:  # the runtime's refusal (wrong input, not paused) in one line
        raise fail(str(exc)) from None
    click.echo(f"Flow run {row['id']!r} resumed.")


@flow_run.command("watch")
@click.argument("flow_run_id", metavar="ID")
@click.option("--timeout", type=float, default=None, help="Give up after this many seconds.")
def watch(flow_run_id: str, timeout: float | None) -> None:
    """Print a flow run's state changes until it ends; exit 1 unless it Completed."""
    row = resolve_flow_run(flow_run_id)
    runs = get_store().runs
    deadline = None if timeout is None else time.monotonic() + timeout
    shown = None
    while True:
        current = dict(runs.read_flow_run(row["id"]) or row)
        if current["state_name"] != shown:
            shown = current["state_name"]
            message = f": {current['state_message']}" if current["state_message"] else ""
            click.echo(f"{local_time(time.time())}  {current['name']} is {shown}{message}")
        if is_final(current):
            if current["state_type"] != "COMPLETED":
                raise SystemExit(1)
            return
        if deadline is not None and time.monotonic() > deadline:
            raise fail(f"Flow run {row['id']!r} did not end within {timeout:g} s.")
        time.sleep(_POLL_SECONDS)
