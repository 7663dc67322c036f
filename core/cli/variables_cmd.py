"""`headrace variable` (alias `variables`): ls, inspect, get, set, unset (alias delete)."""

from __future__ import annotations

import json
from typing import Any

import click

from headrace.cli._output import iso, json_option, print_json, table
from headrace.exceptions import ObjectAlreadyExists
from headrace.store import get_store
from headrace.variables import Variable


@click.group("variable")
def variable() -> None:
    """Named JSON values kept in the store."""


def _variable_json(row: Any) -> dict[str, Any]:
    return {
        "name": row["name"],
        "value": row["value"],
        "tags": list(row["tags"] or []),
        "created": iso(row["created"]),
        "updated": iso(row["updated"]),
    }


@variable.command("ls")
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
@json_option
def list_variables(limit: int, as_json: bool) -> None:
    """Variables, their values and tags."""
    rows = [_variable_json(row) for row in get_store().variables.list(limit=limit)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("No variables found.")
        return
    table(
        ["Name", "Value", "Tags", "Updated"],
        [[r["name"], json.dumps(r["value"]), ", ".join(r["tags"]), r["updated"]] for r in rows],
    )


def _row(name: str) -> dict[str, Any]:
    row = get_store().variables.get(name)
    if row is None:
        raise click.ClickException(f"no variable named {name!r}")
    return _variable_json(row)


@variable.command("inspect")
@click.argument("name")
@json_option
def inspect_variable(name: str, as_json: bool) -> None:
    """A variable with its tags and times, as JSON."""
    print_json(_row(name))


@variable.command("get")
@click.argument("name")
def get_variable(name: str) -> None:
    """Print a variable's value as JSON."""
    click.echo(json.dumps(_row(name)["value"]))


@variable.command("set")
@click.argument("name")
@click.argument("value")
@click.option("--overwrite", is_flag=True, help="Replace an existing variable.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for more).")
def set_variable(name: str, value: str, overwrite: bool, tags: tuple[str, ...]) -> None:
    """Set NAME to VALUE (parsed as JSON when it is JSON, else kept as a string)."""
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = value
    try:
        Variable.set(name, parsed, tags=list(tags) or None, overwrite=overwrite)
    except (ObjectAlreadyExists, ValueError, TypeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Set variable {name!r}.")


@variable.command("unset")
@click.argument("name")
def unset_variable(name: str) -> None:
    """Delete a variable."""
    if not Variable.unset(name):
        raise click.ClickException(f"no variable named {name!r}")
    click.echo(f"Deleted variable {name!r}.")


variable.add_command(unset_variable, "delete")
