"""`headrace config` and `headrace profile`: the settings in force, where each comes from,
and whether each is valid.

headrace reads its settings from `HEADRACE_*` environment variables only (no profiles
file), so `config set/unset` and the profile commands that would write one say so and show
the `export` line to use instead.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

import click

from headrace.cli._output import json_option, print_json


def _number(kind: type, positive: bool = True) -> Callable[[str], None]:
    def check(text: str) -> None:
        value = kind(text)
        if positive and value <= 0:
            raise ValueError("must be greater than 0")

    return check


def _level(text: str) -> None:
    if not isinstance(logging.getLevelName(text.upper()), int):
        raise ValueError("not a logging level (DEBUG, INFO, WARNING, ERROR, CRITICAL)")


def _url(text: str) -> None:
    if not text.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")


def _file(text: str) -> None:
    if not os.path.isfile(os.path.expanduser(text)):
        raise ValueError(f"no such file: {text}")


def _auth_string(text: str) -> None:
    if ":" not in text:
        raise ValueError("must look like user:password")


@dataclass(frozen=True)
class Known:
    """One setting: its variable, default (as text), meaning, and how to check a value."""

    name: str
    default: str | None
    help: str
    check: Callable[[str], None] | None = None
    secret: bool = False


SETTINGS: tuple[Known, ...] = (
    Known("HEADRACE_HOME", "~/.headrace", "Where the store, results and logs live."),
    Known("HEADRACE_DATABASE_URL", "$HEADRACE_HOME/headrace.db", "SQLite path or postgresql://"),
    Known("HEADRACE_DATABASE", None, "Older name of HEADRACE_DATABASE_URL."),
    Known("HEADRACE_API_URL", None, "A headrace server's API; unset: the local store.", _url),
    Known("HEADRACE_API_KEY", None, "Bearer token for the server.", None, True),
    Known("HEADRACE_API_AUTH_STRING", None, "user:password for the server.", _auth_string, True),
    Known("HEADRACE_API_REQUEST_TIMEOUT", None, "Seconds per API request.", _number(float)),
    Known(
        "HEADRACE_API_BUFFER_RECORDS", None, "Run records buffered for the server.", _number(int)
    ),
    Known("HEADRACE_UI_URL", None, "The web UI's address (default: from HEADRACE_API_URL).", _url),
    Known("HEADRACE_ENCRYPTION_KEY", None, "Key for secrets at rest.", None, True),
    Known("HEADRACE_LOGGING_LEVEL", "INFO", "Level of the headrace loggers.", _level),
    Known(
        "HEADRACE_LOGGING_SETTINGS_PATH",
        "$HEADRACE_HOME/logging.yml",
        "A logging dictConfig YAML file (read when it exists).",
        _file,
    ),
    Known(
        "HEADRACE_TASK_RUNNER_THREAD_POOL_MAX_WORKERS",
        "32",
        "Threads of the default task runner.",
        _number(int),
    ),
    Known("HEADRACE_WORKER_HEARTBEAT_SECONDS", "10", "Worker heartbeat period.", _number(float)),
    Known("HEADRACE_WORKER_POLL_SECONDS", "2", "Worker poll period.", _number(float)),
    Known("HEADRACE_SERVE_POLL_SECONDS", None, "`serve` poll period.", _number(float)),
    Known(
        "HEADRACE_SERVE_SHUTDOWN_GRACE_SECONDS",
        None,
        "How long `serve` lets runs finish.",
        _number(float, positive=False),
    ),
    Known(
        "HEADRACE_STORE_LOCK_TIMEOUT", None, "Seconds to wait for the SQLite lock.", _number(float)
    ),
    Known("HEADRACE_CONCURRENCY_LEASE_SECONDS", None, "Concurrency slot lease.", _number(float)),
    Known("HEADRACE_CONCURRENCY_POLL_MAX_SECONDS", None, "Slot wait poll cap.", _number(float)),
    Known("HEADRACE_CONCURRENCY_TAG_CACHE_SECONDS", None, "Tag limit cache.", _number(float)),
    Known("HEADRACE_SERVER_ALLOWED_ORIGINS", None, "CORS origins of the server."),
    Known("HEADRACE_DISABLE_PLUGINS", None, "Plugins not to load (a,b)."),
    Known("HEADRACE_DISABLE_PLUGIN_AUTOLOAD", None, "Load no entry-point plugins."),
)
_BY_NAME = {known.name: known for known in SETTINGS}
MASK = "********"


def _canonical(name: str) -> str:
    """`PREFECT_API_URL` and `api_url` name `HEADRACE_API_URL`."""
    upper = name.strip().upper()
    if upper.startswith("PREFECT_"):
        upper = "HEADRACE_" + upper[len("PREFECT_") :]
    elif not upper.startswith("HEADRACE_"):
        upper = "HEADRACE_" + upper
    return upper


def _rows(show_defaults: bool) -> list[dict[str, object]]:
    rows = []
    for known in SETTINGS:
        value = os.environ.get(known.name)
        if value is None and not show_defaults:
            continue
        shown = MASK if (known.secret and value) else value
        rows.append(
            {
                "name": known.name,
                "value": shown if value is not None else known.default,
                "source": "env" if value is not None else "default",
            }
        )
    for name in sorted(os.environ):
        if name.startswith("HEADRACE_") and name not in _BY_NAME:
            rows.append({"name": name, "value": os.environ[name], "source": "env (unknown)"})
    return rows


def _problems() -> list[str]:
    problems = []
    for known in SETTINGS:
        value = os.environ.get(known.name)
        if value is None or known.check is None:
            continue
        try:
            known.check(value)
        except (ValueError, TypeError) as exc:
            shown = MASK if known.secret else repr(value)
            problems.append(f"{known.name}={shown}: {exc}")
    return problems


@click.group("config")
def config() -> None:
    """The settings in force (HEADRACE_* environment variables)."""


@config.command("view")
@click.option("--show-defaults/--hide-defaults", default=False, help="Also settings left unset.")
@click.option("--show-sources/--hide-sources", default=True, help="Where each value comes from.")
@click.option("--show-secrets", is_flag=True, help="Kept for Prefect's flags: secrets stay masked.")
@json_option
def view(show_defaults: bool, show_sources: bool, show_secrets: bool, as_json: bool) -> None:
    """Show the settings set in the environment (and, with --show-defaults, the others)."""
    rows = _rows(show_defaults)
    if as_json:
        print_json(rows)
        return
    click.echo("profile: (none: headrace reads settings from the environment)")
    for row in rows:
        source = f" (from {row['source']})" if show_sources else ""
        value = "(unset)" if row["value"] is None else row["value"]
        click.echo(f"{row['name']}='{value}'{source}")


@config.command("validate")
def validate() -> None:
    """Check every HEADRACE_* variable set; exit 1 naming each bad one."""
    problems = _problems()
    unknown = [n for n in sorted(os.environ) if n.startswith("HEADRACE_") and n not in _BY_NAME]
    for name in unknown:
        click.echo(f"warning: {name} is not a headrace setting (a typo?)", err=True)
    if problems:
        for problem in problems:
            click.echo(f"invalid: {problem}", err=True)
        raise SystemExit(1)
    click.echo("Settings are valid.")


def _no_profiles(action: str, hint: str) -> click.ClickException:
    return click.ClickException(
        f"{action}: headrace has no profiles file; it reads settings from HEADRACE_* "
        f"environment variables only. {hint}"
    )


@config.command("set")
@click.argument("settings", nargs=-1, required=True, metavar="NAME=VALUE...")
def set_(settings: tuple[str, ...]) -> None:
    """Say how to set these settings (headrace has no profiles file to write)."""
    lines = []
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"expected NAME=VALUE, got {item!r}")
        known = _BY_NAME.get(_canonical(name))
        if known is None:
            raise click.ClickException(
                f"unknown setting {name!r}; see `headrace config view --show-defaults`"
            )
        if known.check is not None:
            try:
                known.check(value)
            except (ValueError, TypeError) as exc:
                raise click.ClickException(f"{known.name}: {exc}") from None
        lines.append(
            f"export {known.name}={value!r}" if not known.secret else f"export {known.name}=..."
        )
    raise _no_profiles(
        "nothing was saved", "Set them in your shell instead:\n  " + "\n  ".join(lines)
    )


@config.command("unset")
@click.argument("names", nargs=-1, required=True)
def unset(names: tuple[str, ...]) -> None:
    """Say how to unset these settings (headrace has no profiles file to write)."""
    lines = [f"unset {_canonical(name)}" for name in names]
    raise _no_profiles("nothing was changed", "Unset them in your shell:\n  " + "\n  ".join(lines))


@click.group("profile")
def profile() -> None:
    """Profiles: headrace has one, the environment (HEADRACE_* variables)."""


@profile.command("ls")
@json_option
def profile_ls(as_json: bool) -> None:
    """List profiles: the environment is the only one."""
    if as_json:
        print_json([{"name": "environment", "active": True}])
        return
    click.echo("* environment (HEADRACE_* variables; headrace has no profiles file)")


@profile.command("inspect")
@click.argument("name", required=False)
@json_option
def profile_inspect(name: str | None, as_json: bool) -> None:
    """The settings of the active profile (the environment)."""
    if name not in (None, "environment", "default"):
        raise click.ClickException(f"profile {name!r} not found: headrace has no profiles file")
    rows = _rows(show_defaults=False)
    if as_json:
        print_json({row["name"]: row["value"] for row in rows})
        return
    if not rows:
        click.echo("No HEADRACE_* settings are set.")
    for row in rows:
        click.echo(f"{row['name']}='{row['value']}'")


def _unavailable(command: str) -> click.Command:
    @click.command(
        command,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        help="Not available: headrace has no profiles file.",
    )
    def run() -> None:
        raise _no_profiles(
            f"`headrace profile {command}` is not available",
            "Keep one set of variables per environment instead (a .env file, direnv).",
        )

    return run


for _command in ("create", "use", "delete", "rename", "populate-defaults"):
    profile.add_command(_unavailable(_command))
