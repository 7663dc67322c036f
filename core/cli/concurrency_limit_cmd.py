"""`headrace concurrency-limit`: task-run concurrency limits by tag."""

from __future__ import annotations

import json

import click

from headrace.cli._output import clear_errors, emit, json_option, table
from headrace.concurrency import limits


@click.group("concurrency-limit")
def concurrency_limit() -> None:
    """Task-run concurrency limits by tag."""


@concurrency_limit.command("create")
@click.argument("tag")
@click.argument("concurrency_limit", type=int)
def tag_create(tag: str, concurrency_limit: int) -> None:
    """Allow at most CONCURRENCY_LIMIT running tasks with TAG (0 aborts them)."""
    with clear_errors():
        limits.create_limit(limits.TAG_PREFIX + tag, concurrency_limit, overwrite=True)
    click.echo(f"Created concurrency limit with properties: tag={tag!r} limit={concurrency_limit}")


@concurrency_limit.command("ls")
@json_option
def tag_ls(as_json: bool) -> None:
    """List tag limits and how many slots are in use."""
    found = [limit for limit in limits.list_limits() if limit.tag is not None]
    emit(
        [{"tag": lim.tag, **lim.to_dict()} for lim in found],
        as_json,
        lambda: table(
            ["tag", "limit", "active slots"],
            [[lim.tag, lim.limit, lim.active_slots] for lim in found],
        ),
    )


@concurrency_limit.command("inspect")
@click.argument("tag")
@json_option
def tag_inspect(tag: str, as_json: bool) -> None:
    """Show a tag limit; active slots are the task run ids holding one."""
    with clear_errors():
        limit = limits.read_limit(limits.TAG_PREFIX + tag)
    data = {"tag": tag, "concurrency_limit": limit.limit, "active_slots": list(limit.holders)}
    emit(data, as_json, lambda: click.echo(json.dumps(data, indent=2)))


@concurrency_limit.command("delete")
@click.argument("tag")
def tag_delete(tag: str) -> None:
    """Remove the limit on TAG."""
    with clear_errors():
        limits.delete_limit(limits.TAG_PREFIX + tag)
    click.echo(f"Deleted concurrency limit set on the tag: {tag}")


@concurrency_limit.command("reset")
@click.argument("tag")
def tag_reset(tag: str) -> None:
    """Free every slot of the limit on TAG."""
    with clear_errors():
        limits.reset_limit(limits.TAG_PREFIX + tag)
    click.echo(f"Reset concurrency limit set on the tag: {tag}")
