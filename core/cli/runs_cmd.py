"""`headrace runs ls` (the same command as `flow-run ls`) and `headrace runs show ID`: a
flow run with its task runs as a table and a timeline."""

from __future__ import annotations

import datetime as _dt

import click

from headrace.cli._runs_view import log_line
from headrace.cli.flow_run_cmd import ls as flow_run_ls
from headrace.secret_parameters import masked_parameters
from headrace.store.runs import get_flow_run, list_logs, list_task_runs

_STATE_COLOURS = {
    "COMPLETED": "green",
    "FAILED": "red",
    "CRASHED": "magenta",
    "CANCELLED": "yellow",
    "RUNNING": "cyan",
    "PENDING": "white",
    "SCHEDULED": "blue",
}


def _when(ts: float | None) -> str:
    if ts is None:
        return "-"
    return _dt.datetime.fromtimestamp(ts).strftime("%m-%d %H:%M:%S")


def _duration(start: float | None, end: float | None) -> str:
    if start is None or end is None:
        return "-"
    seconds = end - start
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _state(row: dict) -> str:
    colour = _STATE_COLOURS.get(row["state_type"] or "", "white")
    return f"[{colour}]{row['state_name']}[/]"


@click.group()
def runs() -> None:
    """Inspect the run history."""


runs.add_command(flow_run_ls, "ls")


@runs.command("show")
@click.argument("run_id")
@click.option("--logs/--no-logs", default=False, help="Also print the run's logs.")
def show_run(run_id: str, logs: bool) -> None:
    """One flow run: its task runs as a table and a timeline."""
    # deferred: rich loads only to draw a table
    from rich.console import Console
    from rich.table import Table

    run = get_flow_run(run_id)
    if run is None:
        raise click.ClickException(f"no flow run with id (or unique id prefix) {run_id!r}")
    console = Console()
    console.print(
        f"[bold]{run['flow_name']}[/] / {run['name']}  {_state(run)}"
        f"  {run['state_message'] or ''}\n"
        f"id {run['id']}  started {_when(run['start_time'])}"
        f"  duration {_duration(run['start_time'], run['end_time'])}"
        f"  parameters {masked_parameters(run['parameters'])}"
    )
    tasks = list_task_runs(run["id"])
    start = run["start_time"] or min((t["created"] for t in tasks), default=0.0)
    end = max([run["end_time"] or 0.0] + [t["end_time"] or 0.0 for t in tasks])
    span = max(end - start, 1e-9)
    width = 40
    table = Table("task run", "state", "tries", "duration", "timeline")
    for task in tasks:
        table.add_row(
            task["name"],
            _state(task),
            str(task["run_count"]),
            _duration(task["start_time"], task["end_time"]),
            _bar(task, start, span, width),
        )
    console.print(table)
    if logs:
        names = {task["id"]: task["name"] for task in tasks}
        for record in list_logs(run["id"]):
            console.print(log_line(record, run["name"], names), markup=False, highlight=False)


def _bar(task: dict, start: float, span: float, width: int) -> str:
    began = task["start_time"] or task["created"]
    ended = task["end_time"] or began
    left = int((began - start) / span * width)
    length = max(1, int((ended - began) / span * width))
    left = min(max(left, 0), width - 1)
    length = min(length, width - left)
    colour = _STATE_COLOURS.get(task["state_type"] or "", "white")
    return " " * left + f"[{colour}]" + "█" * length + "[/]"
