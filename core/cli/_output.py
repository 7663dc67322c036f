"""What the command groups share: clear one-line errors, tables, JSON output, times.

Exit statuses (docs/cli.md): 0 success, 1 a failure or something not found (`Error: ...`
on stderr, no traceback), 2 a usage error (click's own: bad option, missing argument).
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from headrace.concurrency.errors import ConcurrencySlotAcquisitionError
from headrace.exceptions import EntrypointError, ObjectAlreadyExists, ObjectNotFound, RunRejected

STATE_COLOURS = {
    "COMPLETED": "green",
    "FAILED": "red",
    "CRASHED": "magenta",
    "CANCELLED": "yellow",
    "CANCELLING": "yellow",
    "RUNNING": "cyan",
    "PENDING": "white",
    "SCHEDULED": "blue",
    "PAUSED": "yellow",
}


@contextmanager
def clear_errors() -> Iterator[None]:
    """Known user errors become `Error: ...` and exit code 1."""
    try:
        yield
    except (
        ObjectNotFound,
        ObjectAlreadyExists,
        EntrypointError,
        RunRejected,
        ConcurrencySlotAcquisitionError,
        ValueError,
    ) as exc:
        raise click.ClickException(str(exc)) from None


def fail(message: str) -> click.ClickException:
    """An `Error: message` with exit status 1 (raise the returned exception)."""
    return click.ClickException(message)


def iso(ts: float | None) -> str | None:
    """A stored epoch time as ISO 8601 in UTC (`2026-12-06T08:26:05.239000+00:00`)."""
    if ts is None:
        return None
    return _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc).isoformat()


def local_time(ts: float | None) -> str:
    """A stored epoch time for a table: local date and time to the second."""
    if ts is None:
        return "-"
    return _dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def duration(start: float | None, end: float | None) -> str:
    if start is None or end is None:
        return "-"
    seconds = end - start
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def state_markup(state_type: str | None, state_name: str | None) -> str:
    colour = STATE_COLOURS.get(state_type or "", "white")
    return f"[{colour}]{state_name or '-'}[/]"


def console() -> Any:
    """A rich console as wide as the terminal (`COLUMNS` when set, 80 when not a tty)."""
    # rich costs ~30 ms to import; only a table needs it
    from rich.console import Console

    return Console(highlight=False)


def table(
    headers: list[str],
    rows: list[list[Any]],
    markup: frozenset[str] = frozenset(),
    optional: tuple[str, ...] = (),
) -> None:
    """Print a table that fits the terminal. Columns in `optional` (least useful first) are
    left out while the table would not fit whole; then cells wrap (folding long words)
    rather than being cut with an ellipsis. Columns in `markup` keep rich markup."""
    from rich.markup import escape
    from rich.table import Table

    out = console()
    shown = list(headers)
    for name in (*optional, None):
        grid = Table(*shown)
        for column in grid.columns:
            column.overflow = "fold"
        for row in rows:
            grid.add_row(
                *(
                    str(cell) if header in markup else escape("" if cell is None else str(cell))
                    for header, cell in zip(headers, row, strict=True)
                    if header in shown
                )
            )
        wanted = grid.__rich_measure__(out, out.options.update_width(10_000)).maximum
        if name is None or wanted <= out.width:
            break
        shown.remove(name)
    out.print(grid)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def emit(data: Any, as_json: bool, render: Callable[[], None]) -> None:
    if as_json:
        print_json(data)
    else:
        render()


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--output json` / `-o json` (Prefect's spelling) and `--json`, passed on as `as_json`."""

    @functools.wraps(func)
    def wrapper(*args: Any, output: str | None = None, as_json: bool = False, **kwargs: Any) -> Any:
        return func(*args, as_json=as_json or output == "json", **kwargs)

    wrapper = click.option("--json", "as_json", is_flag=True, help="Same as --output json.")(
        wrapper
    )
    return click.option(
        "--output",
        "-o",
        type=click.Choice(["json"], case_sensitive=False),
        default=None,
        help="Output format: json (stable keys, see docs/cli.md).",
    )(wrapper)


def not_supported(what: str, why: str) -> click.Command:
    """A command that headrace has no equivalent for: it says so, and why, and exits 1."""

    @click.command(
        what.rsplit(" ", 1)[-1],
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        help=f"Not available in headrace: {why}",
    )
    def command() -> None:
        raise click.ClickException(f"`headrace {what}` is not available: {why}")

    return command
