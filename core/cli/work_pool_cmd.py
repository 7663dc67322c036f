"""`headrace work-pool` (alias `work-pools`): the queues that workers take deployments'
runs from.

headrace's pools are `process` pools (a worker runs each flow run in a subprocess): the
commands about infrastructure templates, storage and pool-wide limits say why they are not
available (a worker's `--limit` caps its concurrent runs).
"""

from __future__ import annotations

import time

import click

from headrace.cli._output import (
    clear_errors,
    emit,
    iso,
    json_option,
    local_time,
    not_supported,
    print_json,
    table,
)
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

    pools = [_pool_json(pool) for pool in records.list_work_pools()]
    alive_since = time.time() - MISSED_HEARTBEATS * heartbeat_seconds()
    workers: dict[str, int] = {}
    for worker in get_store().deployments.list_workers():
        if worker["stopped"] is None and worker["heartbeat"] >= alive_since:
            workers[worker["work_pool_name"]] = workers.get(worker["work_pool_name"], 0) + 1
    for pool in pools:
        pool["workers"] = workers.get(pool["name"], 0)
    if not pools and not as_json:
        click.echo("No work pools found.")
        return
    emit(
        [{k: v for k, v in pool.items() if k != "_created"} for pool in pools],
        as_json,
        lambda: table(
            ["Name", "Type", "Workers", "Created"],
            [[p["name"], p["type"], p["workers"], local_time(p["_created"])] for p in pools],
        ),
    )


@work_pool.command("delete")
@click.argument("name")
def pool_delete(name: str) -> None:
    """Delete a work pool."""
    with clear_errors():
        records.delete_work_pool(name)
    click.echo(f"Deleted work pool {name!r}.")


def _pool_json(pool: dict) -> dict:
    return {
        "name": pool["name"],
        "type": pool["type"],
        "created": iso(pool["created"]),
        "_created": pool["created"],
    }


@work_pool.command("inspect")
@click.argument("name")
@json_option
def pool_inspect(name: str, as_json: bool) -> None:
    """A work pool: its deployments and its workers (live or stopped) as JSON."""
    with clear_errors():
        pool = records.get_work_pool(name)
    alive_since = time.time() - MISSED_HEARTBEATS * heartbeat_seconds()
    data = {k: v for k, v in _pool_json(pool).items() if k != "_created"}
    data["deployments"] = sorted(d.full_name for d in records.list_deployments(name))
    data["workers"] = [
        {
            "id": w["id"],
            "name": w["name"],
            "pid": w["pid"],
            "started": iso(w["started"]),
            "last_heartbeat": iso(w["heartbeat"]),
            "stopped": iso(w["stopped"]),
            "online": w["stopped"] is None and w["heartbeat"] >= alive_since,
        }
        for w in get_store().deployments.list_workers(name)
    ]
    print_json(data)


@work_pool.command("preview")
@click.argument("name")
@click.option("--hours", "-h", type=float, default=1.0, show_default=True)
@json_option
def pool_preview(name: str, hours: float, as_json: bool) -> None:
    """The runs the pool's workers will start in the next HOURS."""
    from headrace.cli._pool_preview import upcoming

    with clear_errors():
        records.get_work_pool(name)
    runs = upcoming(name, hours)
    if as_json:
        print_json(runs)
        return
    if not runs:
        click.echo(f"No runs of work pool {name!r} are due in the next {hours:g} hour(s).")
        return
    table(
        ["Scheduled", "Deployment", "Flow run"],
        [
            [r["scheduled_time"], r["deployment"], r["flow_run_name"] or "(from schedule)"]
            for r in runs
        ],
    )


_PROCESS_ONLY = (
    "headrace work pools are of type `process` and have no base job template; a worker runs "
    "each flow run in a subprocess of its own"
)
_NO_POOL_LIMITS = (
    "headrace work pools have no pause switch or pool-wide limit; stop the pool's workers, "
    "pause deployment schedules (`headrace deployment schedule pause`), or start workers "
    "with `--limit N`"
)
for _name, _why in (
    ("pause", _NO_POOL_LIMITS),
    ("resume", _NO_POOL_LIMITS),
    ("set-concurrency-limit", _NO_POOL_LIMITS),
    ("clear-concurrency-limit", _NO_POOL_LIMITS),
    ("slots", _NO_POOL_LIMITS),
    ("update", "a pool has only a name and a type; delete and create it to change the type"),
    ("get-default-base-job-template", _PROCESS_ONLY),
    ("provision-infrastructure", _PROCESS_ONLY),
    ("storage", "flow code is read from the deployment's directory; there is no pool storage"),
):
    work_pool.add_command(not_supported(f"work-pool {_name}", _why))
