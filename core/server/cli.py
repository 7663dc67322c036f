"""`headrace server start`, registered through the `register_commands` hook like any plugin."""

from __future__ import annotations

import click

from headrace.plugins import hookimpl
from headrace.server.config import DEFAULT_HOST, DEFAULT_PORT


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(server)


@click.group()
def server() -> None:
    """Run the headrace server (REST API and web UI)."""


@server.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--log-level",
    default="warning",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
def start(host: str, port: int, log_level: str) -> None:
    """Serve the API under /api and the UI at / until SIGTERM or Ctrl-C."""
    from headrace.server.config import ServerConfigError
    from headrace.server.serve import run

    try:
        run(host, port, log_level)
    except (OSError, ServerConfigError) as exc:
        raise click.ClickException(str(exc)) from None
