"""`headrace plugins`: what is loaded, from which distribution, and what failed and why."""

from __future__ import annotations

import json

import click

from headrace.cli._output import json_option
from headrace.plugins.manager import plugin_records


@click.command()
@json_option
def plugins(as_json: bool) -> None:
    """List plugins: distribution, version, hooks implemented, status and load errors."""

    records = plugin_records()
    if as_json:
        click.echo(json.dumps([record.to_dict() for record in records], indent=2))
        return

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    colours = {"loaded": "green", "failed": "red", "disabled": "yellow"}
    table = Table("plugin", "distribution", "version", "api", "hooks", "status")
    for record in records:
        status = f"[{colours[record.status]}]{record.status}[/]"
        if record.error:
            status += f": {escape(record.error)}"
        table.add_row(
            escape(record.name),
            escape(record.distribution or "?") + (" (built-in)" if record.builtin else ""),
            record.version or "",
            "" if record.api_version is None else str(record.api_version),
            "\n".join(record.hooks),
            status,
        )
    Console(width=200).print(table)
