"""CLI tests: the real `headrace` command in a subprocess, over a real store.

The test process writes runs into the same SQLite store (its HEADRACE_HOME) that the
subprocesses read; `COLUMNS` sets the terminal width rich lays tables out for.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_support import Result, run_cli  # noqa: E402

from headrace.store import reset_store  # noqa: E402


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "home"
    monkeypatch.setenv("HEADRACE_HOME", str(path))
    monkeypatch.delenv("HEADRACE_API_URL", raising=False)
    reset_store()
    yield path
    reset_store()


@pytest.fixture
def cli(home: Path) -> Callable[..., Result]:
    """`cli("flow-run", "ls", columns=200)` runs `headrace flow-run ls` at 200 columns."""

    def call(*args: str, columns: int = 80, env: dict[str, str] | None = None, **kw: Any):
        return run_cli(args, home, columns, env, **kw)

    return call
