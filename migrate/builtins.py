"""The built-in plugin of `headrace migrate` (beside `headrace.builtins.*`, kept in this
optional package): its command and its rules come through the hooks plugins implement."""

from __future__ import annotations

import click

from headrace.plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    # lazy: the migrate machinery (libcst, the rules) loads only when the command runs
    cli.add_lazy_command("migrate", "headrace.migrate.cli:migrate")


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace.migrate.rules import BUILTIN_RULES

    return list(BUILTIN_RULES)
