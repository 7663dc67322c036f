"""Shell completion through click's own mechanism (`_HEADRACE_COMPLETE=bash_source`):
`headrace --show-completion` prints the script, `--install-completion` saves it and makes the
shell load it."""

from __future__ import annotations

import os
from pathlib import Path

import click

SHELLS = ("bash", "zsh", "fish")


def _shell() -> str:
    shell = Path(os.environ.get("SHELL", "")).name
    if shell not in SHELLS:
        raise click.ClickException(
            f"cannot tell the shell (SHELL={os.environ.get('SHELL', '')!r}); completion is "
            f'available for {", ".join(SHELLS)}: `eval "$(_HEADRACE_COMPLETE=bash_source '
            f'headrace)"` in bash'
        )
    return shell


def script(shell: str | None = None) -> str:
    """The completion script of `shell` (default: the one in $SHELL)."""
    from click.shell_completion import get_completion_class

    from headrace.cli import build_cli

    shell = shell or _shell()
    completion = get_completion_class(shell)
    assert completion is not None  # click ships all three of SHELLS
    return completion(build_cli(), {}, "headrace", "_HEADRACE_COMPLETE").source()


def install(shell: str | None = None, home: Path | None = None) -> Path:
    """Save the script where the shell finds it; returns the file written."""
    shell = shell or _shell()
    home = home or Path.home()
    if shell == "fish":
        target = home / ".config" / "fish" / "completions" / "headrace.fish"
        rc = None
    else:
        target = home / f".{shell}_completions" / "headrace.sh"
        rc = home / f".{shell}rc"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(script(shell))
    if rc is not None:
        line = f"source {target}"
        existing = rc.read_text() if rc.exists() else ""
        if line not in existing:
            with rc.open("a") as handle:
                handle.write(f"\n{line}\n")
    click.echo(f"{shell} completion installed in {target}; it works in new shells.")
    return target
