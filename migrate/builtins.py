"""The built-in plugin of `headrace migrate` (beside `headrace.builtins.*`, kept in this
optional package): its command and its rules come through the hooks plugins implement."""

from __future__ import annotations

import click

from headrace.plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    from headrace.migrate.cli import migrate

    cli.add_command(migrate)


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace.migrate.rules import BUILTIN_RULES

    return list(BUILTIN_RULES)
