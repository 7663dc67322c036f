"""`headrace work-pool`: the queues that workers take deployments' runs from."""

from __future__ import annotations

import time

import click

from headrace.cli._output import clear_errors, emit, json_option, table
from headrace.deployments import records
from headrace.store import get_store
from headrace.workers.process import MISSED_HEARTBEATS, heartbeat_seconds


@click.group("work-pool")
def work_pool() -> None:
    """Work pools: the queues that workers take deployments' runs from."""


@work_pool.command("create")
@click.argument("name")
@click.option("--type", "pool_type", default="process", show_default=True)
@click.option("--overwrite", is_flag=True)
def pool_create(name: str, pool_type: str, overwrite: bool) -> None:
    """Create a work pool."""
    with clear_errors():
        records.create_work_pool(name, pool_type, overwrite=overwrite)
    click.echo(f"Created work pool {name!r} of type {pool_type!r}.")


@work_pool.command("ls")
@json_option
def pool_ls(as_json: bool) -> None:
    """List work pools with their live (heartbeating) workers."""

    pools = records.list_work_pools()
    alive_since = time.time() - MISSED_HEARTBEATS * heartbeat_seconds()
    workers: dict[str, int] = {}
    for worker in get_store().deployments.list_workers():
        if worker["stopped"] is None and worker["heartbeat"] >= alive_since:
            workers[worker["work_pool_name"]] = workers.get(worker["work_pool_name"], 0) + 1
    for pool in pools:
        pool["workers"] = workers.get(pool["name"], 0)
    emit(
        pools,
        as_json,
        lambda: table(
            ["name", "type", "workers"], [[p["name"], p["type"], p["workers"]] for p in pools]
        ),
    )


@work_pool.command("delete")
@click.argument("name")
def pool_delete(name: str) -> None:
    """Delete a work pool."""
    with clear_errors():
        records.delete_work_pool(name)
    click.echo(f"Deleted work pool {name!r}.")
