"""Built-in plugin adding the operations commands (limits, work pools, deployments, workers)."""

from __future__ import annotations

import click

from headrace.plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    from headrace.cli import ops_cmd

    for command in ops_cmd.COMMANDS:
        cli.add_command(command)
    cli.add_command(ops_cmd.gcl, name="global-concurrency-limit")
