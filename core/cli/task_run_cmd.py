"""`headrace task-run` (alias `task-runs`): list and inspect task runs, read their logs."""

from __future__ import annotations

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
    log_json,
    log_line,
    print_run_details,
    read_log_window,
    state_history_json,
    task_run_json,
)
from headrace.store import get_store
from headrace.store.interface import LogQuery, TaskRunQuery


@click.group("task-run")
def task_run() -> None:
    """Task runs: list, inspect, read logs."""


def _resolve(task_run_id: str) -> dict:
    runs = get_store().runs
    row = runs.read_task_run(task_run_id)
    if row is None:
        raise fail(f"Task run {task_run_id!r} not found!")
    return dict(row)


@task_run.command("ls")
@click.option("--task-run-name", "names", multiple=True, help="Only task runs with this name.")
@click.option("--task-name", "task_names", multiple=True, help="Only runs of this task.")
@click.option("--flow-run", "flow_run_id", default=None, help="Only task runs of this flow run.")
@click.option("--state", "states", multiple=True, help="A state name (Completed, Cached, ...).")
@click.option("--state-type", "state_types", multiple=True, help="A state type (FAILED, ...).")
@click.option("--limit", default=15, show_default=True, type=click.IntRange(1))
@json_option
def ls(
    names: tuple[str, ...],
    task_names: tuple[str, ...],
    flow_run_id: str | None,
    states: tuple[str, ...],
    state_types: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """Recent task runs, newest first."""
    query = TaskRunQuery(sort="created_desc", limit=limit)
    if names:
        query.names = list(names)
    if task_names:
        query.task_names = list(task_names)
    if flow_run_id:
        from headrace.cli._runs_view import resolve_flow_run

        query.flow_run_ids = [resolve_flow_run(flow_run_id)["id"]]
    apply_state_filters(query, states, state_types)
    rows = get_store().runs.read_task_runs(query)
    if as_json:
        print_json([task_run_json(dict(row)) for row in rows])
        return
    if not rows:
        click.echo("No task runs found.")
        return
    # task run ids are time-ordered (a shared prefix): show them whole, and at narrow
    # widths leave out the task name (the run name starts with it) and the start time
    wide = console().width >= 120
    headers = ["ID", "Task", "Name", "State", "When", "Duration"]
    if not wide:
        headers = ["ID", "Name", "State", "Duration"]
    table(
        headers,
        [
            [
                row["id"],
                *([row["task_name"]] if wide else []),
                row["name"],
                state_markup(row["state_type"], row["state_name"]),
                *([local_time(row["start_time"] or row["created"])] if wide else []),
                duration(row["start_time"], row["end_time"]),
            ]
            for row in rows
        ],
        markup=frozenset({"State"}),
    )


@task_run.command("inspect")
@click.argument("task_run_id", metavar="ID")
@json_option
def inspect(task_run_id: str, as_json: bool) -> None:
    """A task run's details and state history (ISO 8601 times)."""
    row = _resolve(task_run_id)
    data = task_run_json(row)
    data["states"] = state_history_json(row["id"])
    if as_json:
        print_json(data)
        return
    print_run_details(data)


@task_run.command("logs", context_settings={"help_option_names": ["--help"]})
@click.argument("task_run_id", metavar="ID")
@click.option("--head", "-h", is_flag=True, help="Only the first 20 lines (or --num-logs).")
@click.option("--tail", "-t", is_flag=True, help="Only the last 20 lines (or --num-logs).")
@click.option("--num-logs", "-n", type=click.IntRange(1), default=None)
@click.option("--reverse", "-r", is_flag=True, help="Newest lines first.")
@json_option
def logs(
    task_run_id: str, head: bool, tail: bool, num_logs: int | None, reverse: bool, as_json: bool
) -> None:
    """A task run's log lines."""
    row = _resolve(task_run_id)
    query = LogQuery(task_run_ids=[row["id"]])
    found = read_log_window(query, head, tail, num_logs, reverse, default=20)
    names = {row["id"]: row["name"]}
    if as_json:
        print_json([log_json(log, names) for log in found])
        return
    for log in found:
        click.echo(log_line(log, "", names))
