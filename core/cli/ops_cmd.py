"""Operations commands: concurrency limits, work pools, deployments and workers.

Errors print one clear line and exit 1 (no tracebacks for bad input).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click


@contextmanager
def _clear_errors() -> Iterator[None]:
    """Known user errors become `Error: ...` and exit code 1."""
    from headrace.concurrency.errors import ConcurrencySlotAcquisitionError
    from headrace.deployments import EntrypointError, RunRejected
    from headrace.exceptions import ObjectAlreadyExists, ObjectNotFound

    try:
        yield
    except (
        ObjectNotFound,
        ObjectAlreadyExists,
        EntrypointError,
        RunRejected,
        ConcurrencySlotAcquisitionError,
        ValueError,
    ) as exc:
        raise click.ClickException(str(exc)) from None


def _table(headers: list[str], rows: list[list[Any]]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(*headers)
    for row in rows:
        table.add_row(*(escape("" if cell is None else str(cell)) for cell in row))
    Console(width=160).print(table)


def _emit(data: Any, as_json: bool, render: Callable[[], None]) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        render()


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


# -- headrace concurrency-limit (tag limits) --------------------------------------------------
@click.group("concurrency-limit")
def concurrency_limit() -> None:
    """Task-run concurrency limits by tag."""


@concurrency_limit.command("create")
@click.argument("tag")
@click.argument("concurrency_limit", type=int)
def tag_create(tag: str, concurrency_limit: int) -> None:
    """Allow at most CONCURRENCY_LIMIT running tasks with TAG (0 aborts them)."""
    from headrace.concurrency import limits

    with _clear_errors():
        limits.create_limit(limits.TAG_PREFIX + tag, concurrency_limit, overwrite=True)
    click.echo(f"Created concurrency limit with properties: tag={tag!r} limit={concurrency_limit}")


@concurrency_limit.command("ls")
@json_option
def tag_ls(as_json: bool) -> None:
    """List tag limits and how many slots are in use."""
    from headrace.concurrency import limits

    found = [limit for limit in limits.list_limits() if limit.tag is not None]
    _emit(
        [{"tag": lim.tag, **lim.to_dict()} for lim in found],
        as_json,
        lambda: _table(
            ["tag", "limit", "active slots"],
            [[lim.tag, lim.limit, lim.active_slots] for lim in found],
        ),
    )


@concurrency_limit.command("inspect")
@click.argument("tag")
@json_option
def tag_inspect(tag: str, as_json: bool) -> None:
    """Show a tag limit; active slots are the task run ids holding one."""
    from headrace.concurrency import limits

    with _clear_errors():
        limit = limits.read_limit(limits.TAG_PREFIX + tag)
    data = {"tag": tag, "concurrency_limit": limit.limit, "active_slots": list(limit.holders)}
    _emit(data, as_json, lambda: click.echo(json.dumps(data, indent=2)))


@concurrency_limit.command("delete")
@click.argument("tag")
def tag_delete(tag: str) -> None:
    """Remove the limit on TAG."""
    from headrace.concurrency import limits

    with _clear_errors():
        limits.delete_limit(limits.TAG_PREFIX + tag)
    click.echo(f"Deleted concurrency limit set on the tag: {tag}")


@concurrency_limit.command("reset")
@click.argument("tag")
def tag_reset(tag: str) -> None:
    """Free every slot of the limit on TAG."""
    from headrace.concurrency import limits

    with _clear_errors():
        limits.reset_limit(limits.TAG_PREFIX + tag)
    click.echo(f"Reset concurrency limit set on the tag: {tag}")


# -- headrace gcl (global limits) -------------------------------------------------------------
@click.group("gcl")
def gcl() -> None:
    """Global concurrency and rate limits (also: global-concurrency-limit)."""


@gcl.command("create")
@click.argument("name")
@click.option("--limit", type=int, required=True, help="Number of slots.")
@click.option("--slot-decay-per-second", type=float, default=0.0, help="For rate limits.")
@click.option("--disable", is_flag=True, help="Create it inactive (not enforced).")
def gcl_create(name: str, limit: int, slot_decay_per_second: float, disable: bool) -> None:
    """Create a global concurrency (or, with slot decay, rate) limit."""
    from headrace.concurrency import limits

    with _clear_errors():
        limits.create_limit(name, limit, slot_decay_per_second, active=not disable)
    click.echo(f"Created global concurrency limit {name!r} with {limit} slot(s).")


@gcl.command("ls")
@json_option
def gcl_ls(as_json: bool) -> None:
    """List global limits."""
    from headrace.concurrency import limits

    found = limits.list_limits()
    _emit(
        [lim.to_dict() for lim in found],
        as_json,
        lambda: _table(
            ["name", "limit", "active", "active slots", "decay/s"],
            [
                [lim.name, lim.limit, lim.active, lim.active_slots, lim.slot_decay_per_second]
                for lim in found
            ],
        ),
    )


@gcl.command("inspect")
@click.argument("name")
def gcl_inspect(name: str) -> None:
    """Show one limit as JSON."""
    from headrace.concurrency import limits

    with _clear_errors():
        click.echo(json.dumps(limits.read_limit(name).to_dict(), indent=2))


@gcl.command("update")
@click.argument("name")
@click.option("--limit", type=int, default=None)
@click.option("--slot-decay-per-second", type=float, default=None)
@click.option("--enable/--disable", "active", default=None)
def gcl_update(
    name: str, limit: int | None, slot_decay_per_second: float | None, active: bool | None
) -> None:
    """Change a limit's slots, slot decay or whether it is enforced."""
    from headrace.concurrency import limits

    if limit is None and slot_decay_per_second is None and active is None:
        raise click.UsageError(
            "nothing to update: give --limit, --slot-decay-per-second or --enable/--disable"
        )
    with _clear_errors():
        limits.update_limit(name, limit, slot_decay_per_second, active)
    click.echo(f"Updated global concurrency limit {name!r}.")


@gcl.command("delete")
@click.argument("name")
def gcl_delete(name: str) -> None:
    """Delete a limit."""
    from headrace.concurrency import limits

    with _clear_errors():
        limits.delete_limit(name)
    click.echo(f"Deleted global concurrency limit {name!r}.")


# -- headrace work-pool -----------------------------------------------------------------------
@click.group("work-pool")
def work_pool() -> None:
    """Work pools: the queues that workers take deployments' runs from."""


@work_pool.command("create")
@click.argument("name")
@click.option("--type", "pool_type", default="process", show_default=True)
@click.option("--overwrite", is_flag=True)
def pool_create(name: str, pool_type: str, overwrite: bool) -> None:
    """Create a work pool."""
    from headrace.deployments import records

    with _clear_errors():
        records.create_work_pool(name, pool_type, overwrite=overwrite)
    click.echo(f"Created work pool {name!r} of type {pool_type!r}.")


@work_pool.command("ls")
@json_option
def pool_ls(as_json: bool) -> None:
    """List work pools with their live (heartbeating) workers."""
    from headrace.deployments import records
    from headrace.store import get_store
    from headrace.workers.process import MISSED_HEARTBEATS, heartbeat_seconds

    pools = records.list_work_pools()
    alive_since = time.time() - MISSED_HEARTBEATS * heartbeat_seconds()
    workers: dict[str, int] = {}
    for worker in get_store().deployments.list_workers():
        if worker["stopped"] is None and worker["heartbeat"] >= alive_since:
            workers[worker["work_pool_name"]] = workers.get(worker["work_pool_name"], 0) + 1
    for pool in pools:
        pool["workers"] = workers.get(pool["name"], 0)
    _emit(
        pools,
        as_json,
        lambda: _table(
            ["name", "type", "workers"], [[p["name"], p["type"], p["workers"]] for p in pools]
        ),
    )


@work_pool.command("delete")
@click.argument("name")
def pool_delete(name: str) -> None:
    """Delete a work pool."""
    from headrace.deployments import records

    with _clear_errors():
        records.delete_work_pool(name)
    click.echo(f"Deleted work pool {name!r}.")


# -- headrace deployment ----------------------------------------------------------------------
@click.group("deployment")
def deployment() -> None:
    """Deployments: list them and ask for runs."""


@deployment.command("ls")
@json_option
def deployment_ls(as_json: bool) -> None:
    """List deployments."""
    from headrace.deployments import records

    found = records.list_deployments()
    _emit(
        [d.to_dict() for d in found],
        as_json,
        lambda: _table(
            ["name", "pool", "entrypoint", "schedules"],
            [
                [d.full_name, d.work_pool_name or "(served)", d.entrypoint, len(d.schedules)]
                for d in found
            ],
        ),
    )


@deployment.command("inspect")
@click.argument("name")
def deployment_inspect(name: str) -> None:
    """Show a deployment (FLOW_NAME/DEPLOYMENT_NAME) and its recent runs as JSON."""
    from headrace.deployments import records

    with _clear_errors():
        record = records.get_deployment(name)
    data = record.to_dict()
    data["runs"] = records.deployment_runs(record.id)[-20:]
    click.echo(json.dumps(data, indent=2, default=str))


@deployment.command("delete")
@click.argument("name")
def deployment_delete(name: str) -> None:
    """Delete a deployment and its unstarted runs (finished runs stay in the history)."""
    from headrace.deployments import records

    with _clear_errors():
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
    from headrace.deployments import run_deployment

    parameters: dict[str, Any] = {}
    if params_json:
        try:
            parameters.update(json.loads(params_json))
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"not JSON: {exc}", param_hint="--params") from None
    parameters.update(_parse_param(text) for text in params)
    with _clear_errors():
        run = run_deployment(name, parameters=parameters, timeout=(timeout if watch else 0))
    click.echo(f"Created flow run {run.name!r} ({run.id}) in state {run.state_name}.")
    if watch:
        click.echo(f"Flow run {run.name!r} is {run.state_name}: {run.state_message or ''}".strip())
        if run.state_type != "COMPLETED":
            raise SystemExit(1)


# -- headrace worker --------------------------------------------------------------------------
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
    import logging

    from headrace.workers import ProcessWorker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s | %(levelname)s | %(message)s")
    with _clear_errors():
        process_worker = ProcessWorker(pool, name=name, limit=limit)
    click.echo(f"Worker {process_worker.name!r} started for work pool {pool!r}.")
    process_worker.start(run_once=run_once)


COMMANDS = [concurrency_limit, gcl, work_pool, deployment, worker]
