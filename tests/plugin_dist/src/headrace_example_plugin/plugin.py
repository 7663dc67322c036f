"""The working plugin: declares its plugin API and implements two hooks."""

from __future__ import annotations

import click

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_block_types() -> list[type]:
    from headrace_example_plugin.blocks import ExampleCredentials

    return [ExampleCredentials]


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(example_hello)


@click.command("example-hello")
def example_hello() -> None:
    """Say hello from the example plugin."""
    click.echo("hello from headrace-example-plugin")
