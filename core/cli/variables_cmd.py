"""`headrace variable ls | get | set | unset`."""

from __future__ import annotations

import json

import click

from headrace.exceptions import ObjectAlreadyExists
from headrace.variables import Variable


@click.group()
def variable() -> None:
    """Named JSON values kept in the store."""


@variable.command("ls")
def list_variables() -> None:
    """All variables and their values."""
    # deferred: rich loads only to draw a table
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "value", "tags")
    for item in Variable.list():
        table.add_row(item.name, json.dumps(item.value), ", ".join(item.tags))
    Console().print(table)


@variable.command("get")
@click.argument("name")
def get_variable(name: str) -> None:
    """Print a variable's value as JSON."""

    missing = object()
    value = Variable.get(name, default=missing)
    if value is missing:
        raise click.ClickException(f"no variable named {name!r}")
    click.echo(json.dumps(value))


@variable.command("set")
@click.argument("name")
@click.argument("value")
@click.option("--overwrite", is_flag=True, help="Replace an existing variable.")
def set_variable(name: str, value: str, overwrite: bool) -> None:
    """Set NAME to VALUE (parsed as JSON when it is JSON, else kept as a string)."""

    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = value
    try:
        Variable.set(name, parsed, overwrite=overwrite)
    except (ObjectAlreadyExists, ValueError, TypeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"set {name}")


@variable.command("unset")
@click.argument("name")
def unset_variable(name: str) -> None:
    """Delete a variable."""

    if not Variable.unset(name):
        raise click.ClickException(f"no variable named {name!r}")
    click.echo(f"unset {name}")
