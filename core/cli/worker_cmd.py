"""`headrace worker`: run a work pool's flow runs in subprocesses."""

from __future__ import annotations

import click

from headrace.cli._output import clear_errors
from headrace.logging.configuration import ensure_logging_setup
from headrace.workers import ProcessWorker


@click.group("worker")
def worker() -> None:
    """Workers that run a pool's deployments in subprocesses."""


@worker.command("start")
@click.option("--pool", "-p", "pool", required=True, help="The work pool to take runs from.")
@click.option("--name", "-n", default=None, help="A name for this worker.")
@click.option("--limit", "-l", type=int, default=None, help="At most this many runs at once.")
@click.option("--run-once", is_flag=True, help="One round, then wait for the runs and exit.")
def worker_start(pool: str, name: str | None, limit: int | None, run_once: bool) -> None:
    """Run the pool's scheduled and requested flow runs until SIGINT/SIGTERM."""

    # the worker's lines in the one headrace layout (`headrace.logging`'s configuration file)
    ensure_logging_setup()
    with clear_errors():
        process_worker = ProcessWorker(pool, name=name, limit=limit)
    process_worker.start(run_once=run_once)
