"""Helpers for tests of command-line output (Prefect's `prefect.testing.cli`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def temporary_console_width(console: Any, width: int) -> Iterator[None]:
    """Make a rich Console `width` columns wide for the block (to check that long lines
    are not wrapped or cropped), then give it back its own width."""
    saved = console._width
    console._width = width
    try:
        yield
    finally:
        console._width = saved


__all__ = ["temporary_console_width"]
