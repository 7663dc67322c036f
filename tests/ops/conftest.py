"""Each ops test gets a real SQLite store in its own HEADRACE_HOME and short timing constants."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ops_support import FakeClock

from headrace.store import reset_store
from headrace.utilities import clock

FAST_ENV = {
    "HEADRACE_CONCURRENCY_LEASE_SECONDS": "0.6",
    "HEADRACE_CONCURRENCY_POLL_MAX_SECONDS": "0.05",
    "HEADRACE_CONCURRENCY_TAG_CACHE_SECONDS": "0.2",
    "HEADRACE_WORKER_HEARTBEAT_SECONDS": "0.2",
    "HEADRACE_WORKER_POLL_SECONDS": "0.1",
    # the CLI in worker subprocesses needs only the built-in plugins; skip installed ones
    "HEADRACE_DISABLE_PLUGIN_AUTOLOAD": "1",
}


@pytest.fixture(autouse=True)
def headrace_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("HEADRACE_HOME", str(home))
    monkeypatch.delenv("HEADRACE_DATABASE", raising=False)
    for name, value in FAST_ENV.items():
        monkeypatch.setenv(name, value)
    reset_store()
    yield home
    reset_store()


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    fake = FakeClock(1_767_225_600.0)  # 2026-01-01T00:00:00Z
    previous = clock.set_clock(fake)
    yield fake
    clock.set_clock(previous)
