"""`headrace work-queue` (alias `work-queues`): each headrace work pool has one queue,
`default`, so these commands read the pool; creating more queues is not available."""

from __future__ import annotations

import click

from headrace.cli._output import clear_errors, json_option, not_supported, print_json, table
from headrace.deployments import records

DEFAULT_QUEUE = "default"


@click.group("work-queue")
def work_queue() -> None:
    """Work queues: one per work pool (`default`) in headrace."""


def _queue(pool: dict) -> dict:
    return {
        "name": DEFAULT_QUEUE,
        "work_pool_name": pool["name"],
        "is_paused": False,
        "concurrency_limit": None,
        "priority": 1,
    }


def _pool_of(name: str, pool: str | None) -> dict:
    if name != DEFAULT_QUEUE:
        raise click.ClickException(
            f"work queue {name!r} not found: a headrace work pool has one queue, {DEFAULT_QUEUE!r}"
        )
    if pool is None:
        raise click.UsageError("give the queue's pool with --pool")
    with clear_errors():
        return records.get_work_pool(pool)


@work_queue.command("ls")
@click.option("--pool", "-p", default=None, help="Only this pool's queue.")
@json_option
def ls(pool: str | None, as_json: bool) -> None:
    """The queues: one `default` queue per work pool."""
    pools = records.list_work_pools()
    if pool is not None:
        pools = [p for p in pools if p["name"] == pool]
        if not pools:
            raise click.ClickException(f"work pool {pool!r} not found")
    queues = [_queue(p) for p in pools]
    if as_json:
        print_json(queues)
        return
    table(
        ["Name", "Pool", "Paused", "Concurrency limit"],
        [[q["name"], q["work_pool_name"], q["is_paused"], "None"] for q in queues],
    )


@work_queue.command("inspect")
@click.argument("name", default=DEFAULT_QUEUE)
@click.option("--pool", "-p", default=None, help="The queue's work pool.")
@json_option
def inspect(name: str, pool: str | None, as_json: bool) -> None:
    """A queue's details as JSON."""
    print_json(_queue(_pool_of(name, pool)))


@work_queue.command("preview")
@click.argument("name", default=DEFAULT_QUEUE)
@click.option("--pool", "-p", default=None, help="The queue's work pool.")
@click.option("--hours", "-h", type=float, default=1.0, show_default=True)
@json_option
def preview(name: str, pool: str | None, hours: float, as_json: bool) -> None:
    """The runs the queue will hand to workers in the next HOURS."""
    from headrace.cli._pool_preview import upcoming

    runs = upcoming(_pool_of(name, pool)["name"], hours)
    if as_json:
        print_json(runs)
        return
    if not runs:
        click.echo(f"No runs are due in the next {hours:g} hour(s).")
        return
    table(
        ["Scheduled", "Deployment", "Flow run"],
        [
            [r["scheduled_time"], r["deployment"], r["flow_run_name"] or "(from schedule)"]
            for r in runs
        ],
    )


_ONE_QUEUE = (
    "a headrace work pool has exactly one queue, `default`, with no limit or pause switch of "
    "its own; use more pools for separate queues, `headrace deployment schedule pause` to hold "
    "runs, and `headrace worker start --limit N` to cap them"
)
for _name in (
    "create",
    "delete",
    "pause",
    "resume",
    "set-concurrency-limit",
    "clear-concurrency-limit",
    "read-runs",
):
    work_queue.add_command(not_supported(f"work-queue {_name}", _ONE_QUEUE))
