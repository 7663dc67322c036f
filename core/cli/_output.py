"""What the command groups share: clear one-line errors, tables and `--json` output.

Errors print one clear line and exit 1 (no tracebacks for bad input).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from headrace.concurrency.errors import ConcurrencySlotAcquisitionError
from headrace.deployments import EntrypointError, RunRejected
from headrace.exceptions import ObjectAlreadyExists, ObjectNotFound


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


def table(headers: list[str], rows: list[list[Any]]) -> None:
    # rich costs ~30 ms to import; only a table needs it
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    grid = Table(*headers)
    for row in rows:
        grid.add_row(*(escape("" if cell is None else str(cell)) for cell in row))
    Console(width=160).print(grid)


def emit(data: Any, as_json: bool, render: Callable[[], None]) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        render()


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
