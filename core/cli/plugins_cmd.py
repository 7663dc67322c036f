"""`headrace plugins`: what is loaded, from where, and what failed."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
def plugins(as_json: bool) -> None:
    """List plugins: distribution, version, hooks implemented, load errors."""
    from rich.console import Console
    from rich.table import Table

    from headrace.plugins.manager import plugin_records

    records = plugin_records()
    if as_json:
        click.echo(json.dumps([record.__dict__ for record in records], indent=2))
        return
    table = Table("plugin", "distribution", "version", "hooks", "status")
    for record in records:
        status = "[green]loaded[/]" if record.loaded else f"[red]failed[/]: {record.error}"
        table.add_row(
            record.name,
            "(built-in)" if record.builtin else (record.distribution or "?"),
            record.version or "",
            ", ".join(record.hooks),
            status,
        )
    Console().print(table)
