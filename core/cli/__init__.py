"""The `headrace` command line: a click group whose commands all come from plugins.

Built-in commands are registered by `headrace.builtins.commands` through the same
`register_commands` hook that third-party plugins implement.
"""

from __future__ import annotations

import importlib

import click

#: Prefect's plural (and other) spellings of command groups: `headrace blocks ls` works as
#: `prefect blocks ls` does. Aliases are not listed in `--help` (docs/cli.md lists them).
ALIASES = {
    "artifacts": "artifact",
    "automations": "automation",
    "blocks": "block",
    "concurrency-limits": "concurrency-limit",
    "deployments": "deployment",
    "event": "events",
    "flow-runs": "flow-run",
    "flows": "flow",
    "global-concurrency-limits": "global-concurrency-limit",
    "profiles": "profile",
    "task-runs": "task-run",
    "variables": "variable",
    "work-pools": "work-pool",
    "work-queues": "work-queue",
}


class PluginGroup(click.Group):
    """The `headrace` group. Besides `add_command`, a plugin can `add_lazy_command(name,
    "module:attribute")`: the module is imported only when that command runs (or help lists
    it), so `headrace server start` does not pay for every other command's imports."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - click's signature
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = {}

    def add_lazy_command(self, name: str, target: str) -> None:
        """Register `name` as the click command at `target` ("module:attribute")."""
        self.lazy_commands[name] = target

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        known = cmd_name in self.commands or cmd_name in self.lazy_commands
        if not known and cmd_name in ALIASES:
            cmd_name = ALIASES[cmd_name]
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            module, _, attribute = self.lazy_commands[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return self.commands.get(cmd_name)


def build_cli() -> click.Group:
    """A fresh `headrace` group with every plugin's commands attached."""
    # deferred: `import headrace.cli` must not load pluggy and every plugin
    from headrace import __version__
    from headrace.plugins.manager import call_each

    @click.group(cls=PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(
        __version__, "--version", "-v", prog_name="headrace", message="%(prog)s %(version)s"
    )
    @click.option(
        "--install-completion",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_install_completion,
        help="Install shell completion for bash, zsh or fish (the shell in $SHELL).",
    )
    @click.option(
        "--show-completion",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_show_completion,
        help="Print the completion script for the shell in $SHELL.",
    )
    def cli() -> None:
        """headrace: Prefect-3-compatible workflows, in-process."""

    # each plugin's commands are added on their own: one broken plugin is marked failed
    # (a warning, and `headrace plugins` shows it) and never hides the rest
    call_each("register_commands", cli=cli)
    return cli


def _install_completion(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from headrace.cli._completion import install

        install()
        ctx.exit()


def _show_completion(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from headrace.cli._completion import script

        click.echo(script())
        ctx.exit()


def _short_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    click.echo(f"warning: {message}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (plugin load warnings print as one short line)."""
    import warnings

    warnings.showwarning = _short_warning
    try:
        build_cli()(args=argv, prog_name="headrace")
    except Exception as exc:
        # a damaged, locked or failing store is reported in one line, not a traceback
        from headrace.store import failure_message

        message = failure_message(exc)
        if message is None:
            raise
        click.echo(f"Error: {message}", err=True)
        raise SystemExit(1) from None
