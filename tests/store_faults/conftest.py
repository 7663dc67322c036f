"""Each test gets its own HEADRACE_HOME; faults are real (processes, locks, file limits)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from headrace.store import reset_store


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("HEADRACE_HOME", str(home))
    for name in ("HEADRACE_DATABASE", "HEADRACE_DATABASE_URL", "HEADRACE_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HEADRACE_DISABLE_PLUGIN_AUTOLOAD", "1")
    reset_store()
    yield home
    reset_store()


@pytest.fixture
def database(home: Path) -> Path:
    return home / "headrace.db"
