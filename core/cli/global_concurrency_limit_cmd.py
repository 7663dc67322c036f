"""`headrace global-concurrency-limit` (alias `gcl`): named limits and rate limits."""

from __future__ import annotations

import json

import click

from headrace.cli._output import clear_errors, emit, json_option, table
from headrace.concurrency import limits


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
    with clear_errors():
        limits.create_limit(name, limit, slot_decay_per_second, active=not disable)
    click.echo(f"Created global concurrency limit {name!r} with {limit} slot(s).")


@gcl.command("ls")
@json_option
def gcl_ls(as_json: bool) -> None:
    """List global limits."""
    found = limits.list_limits()
    emit(
        [lim.to_dict() for lim in found],
        as_json,
        lambda: table(
            ["name", "limit", "active", "active slots", "decay/s"],
            [
                [lim.name, lim.limit, lim.active, lim.active_slots, lim.slot_decay_per_second]
                for lim in found
            ],
        ),
    )


@gcl.command("inspect")
@click.argument("name")
@json_option
def gcl_inspect(name: str, as_json: bool) -> None:
    """Show one limit as JSON (`-o json` accepted: the output is JSON either way)."""
    with clear_errors():
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
    if limit is None and slot_decay_per_second is None and active is None:
        raise click.UsageError(
            "nothing to update: give --limit, --slot-decay-per-second or --enable/--disable"
        )
    with clear_errors():
        limits.update_limit(name, limit, slot_decay_per_second, active)
    click.echo(f"Updated global concurrency limit {name!r}.")


@gcl.command("delete")
@click.argument("name")
def gcl_delete(name: str) -> None:
    """Delete a limit."""
    with clear_errors():
        limits.delete_limit(name)
    click.echo(f"Deleted global concurrency limit {name!r}.")
