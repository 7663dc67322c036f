"""`headrace task serve`: a task worker for background task runs (`Task.delay`)."""

from __future__ import annotations

import logging

import click

from headrace.cli._output import clear_errors


@click.group("task")
def task() -> None:
    """Background task runs: serve them with a task worker."""


@task.command("serve")
@click.argument("entrypoints", nargs=-1, required=True)
@click.option(
    "--limit", "-l", type=int, default=10, show_default=True, help="At most this many runs at once."
)
@click.option(
    "--lease-seconds",
    type=float,
    default=30.0,
    show_default=True,
    help="How long a claimed run stays held without renewal (a dead worker's runs go back "
    "to the queue, or crash, after this).",
)
@click.option("--timeout", type=float, default=None, help="Stop after this many seconds.")
def task_serve(
    entrypoints: tuple[str, ...], limit: int, lease_seconds: float, timeout: float | None
) -> None:
    """Run the background runs of the tasks at ENTRYPOINTS (`tasks.py:add` or
    `package.module:add`) until SIGINT/SIGTERM; runs in progress finish first."""
    from headrace.task_worker import load_task, serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s | %(levelname)s | %(message)s")
    with clear_errors():
        tasks = [load_task(entrypoint) for entrypoint in entrypoints]
    click.echo(f"Serving {', '.join(t.name for t in tasks)} (limit {limit}).")
    with clear_errors():
        serve(*tasks, limit=limit, timeout=timeout, lease_seconds=lease_seconds)
