"""The `headrace` command line: a click group whose commands all come from plugins.

Built-in commands are registered by `headrace.cli.builtin` through the same
`register_commands` hook that third-party plugins implement.
"""

from __future__ import annotations

import click


def build_cli() -> click.Group:
    """A fresh `headrace` group with every plugin's commands attached."""
    from headrace.plugins.manager import get_plugin_manager

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    def cli() -> None:
        """headrace: Prefect-3-compatible workflows, in-process."""

    # each plugin's commands are added on their own: one broken plugin never hides the rest
    for impl in get_plugin_manager().hook.register_commands.get_hookimpls():
        try:
            impl.function(cli=cli)
        except Exception as exc:
            click.echo(
                f"warning: plugin {impl.plugin_name!r} failed to add its commands: "
                f"{type(exc).__name__}: {exc}",
                err=True,
            )
    return cli


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
        from headrace.store._faults import failure_message

        message = failure_message(exc)
        if message is None:
            raise
        click.echo(f"Error: {message}", err=True)
        raise SystemExit(1) from None
