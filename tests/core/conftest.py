"""Every core test runs against its own HEADRACE_HOME (a real SQLite store in tmp_path)."""

from __future__ import annotations

import pytest

from headrace.store import reset_store
from headrace.utilities import clock


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "headrace-home"
    monkeypatch.setenv("HEADRACE_HOME", str(home))
    reset_store()
    yield home
    reset_store()
    clock.set_clock(None)
    clock.set_sleep(None)


@pytest.fixture
def recorded_sleeps():
    """Retry delays are recorded instead of slept."""
    delays: list[float] = []
    clock.set_sleep(delays.append)
    yield delays
    clock.set_sleep(None)
