"""`headrace server` (start, status, database upgrade), registered through the
`register_commands` hook like any plugin; Prefect's other server commands say why headrace
has no equivalent."""

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


@server.command()
@click.option("--wait", is_flag=True, help="Wait until the server answers.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="With --wait.")
def status(wait: bool, timeout: float) -> None:
    """Whether the server at HEADRACE_API_URL (default: this machine's port 4200) answers;
    exit 1 if not."""
    import time

    import httpx

    from headrace.settings import get_settings

    api = get_settings().api_url or f"http://{DEFAULT_HOST}:{DEFAULT_PORT}/api"
    deadline = time.monotonic() + (timeout if wait else 0)
    while True:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code < 500:
                click.echo(f"Server is available at {api}.")
                return
        except httpx.TransportError:
            pass
        if time.monotonic() >= deadline:
            raise click.ClickException(f"no headrace server answers at {api}")
        time.sleep(0.2)


def _not_available(path: str, why: str) -> click.Command:
    """A `server` subcommand headrace has no equivalent for: says so and why, exits 1."""

    @click.command(
        path.rsplit(" ", 1)[-1],
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        help=f"Not available in headrace: {why}",
    )
    def command() -> None:
        raise click.ClickException(f"`headrace server {path}` is not available: {why}")

    return command


server.add_command(
    _not_available(
        "stop",
        "the server runs in the foreground (stop it with Ctrl-C or SIGTERM; a service "
        "manager such as systemd keeps it in the background)",
    )
)


@server.group()
def database() -> None:
    """The store's schema: `upgrade` brings it to this version of headrace."""


@database.command()
@click.option("--yes", "-y", is_flag=True, help="Kept for Prefect's flag; nothing is asked.")
def upgrade(yes: bool) -> None:
    """Apply the store's schema migrations (opening the store does it too)."""
    from headrace.store import get_store
    from headrace.store.integrity import known_versions

    store = get_store()
    versions = ", ".join(f"{name} {version}" for name, version in sorted(known_versions().items()))
    click.echo(f"The store {store.location} is at the current schema ({versions}).")


_FORWARD_ONLY = (
    "headrace's store schema only moves forward, applied when the store opens; to start "
    "afresh point HEADRACE_HOME (or HEADRACE_DATABASE_URL) at a new location"
)
for _name in ("reset", "downgrade", "revision", "stamp"):
    database.add_command(_not_available(f"database {_name}", _FORWARD_ONLY))
server.add_command(
    _not_available(
        "services",
        "the headrace server runs no background services: workers and `serve` processes "
        "schedule and start runs",
    )
)
