"""Built-in CLI commands, registered like any plugin's."""

from __future__ import annotations

import click

from headrace import __version__
from headrace.plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    # deferred: command modules load only when the CLI is built
    from headrace.cli import plugins_cmd, runs_cmd, store_cmd, variables_cmd

    cli.add_command(version)
    cli.add_command(plugins_cmd.plugins)
    cli.add_command(runs_cmd.runs)
    cli.add_command(variables_cmd.variable)
    cli.add_command(store_cmd.store)


@click.command()
def version() -> None:
    """Print the headrace version."""
    import platform

    click.echo(f"headrace {__version__} (Python {platform.python_version()})")
