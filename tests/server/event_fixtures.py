"""Fixtures the server, events and automations tests share: each test gets its own
HEADRACE_HOME (a real SQLite store); server-backed tests share one real `headrace server
start` process per module (the same encryption key on both sides, so blocks saved through
the server load in the client). Their conftests import these."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from server_support import ServerProcess

from headrace.store import reset_store

ENCRYPTION_KEY = "x3G9mZt0G1u7XU5dYQv0l4lJmI8bWq1l9gM7Jr2vQ0s="


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "headrace-home"
    monkeypatch.setenv("HEADRACE_HOME", str(home))
    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", ENCRYPTION_KEY)
    monkeypatch.delenv("HEADRACE_API_URL", raising=False)
    reset_store()
    yield home
    reset_store()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server per test module, over a fresh SQLite store."""
    env = {"HEADRACE_ENCRYPTION_KEY": ENCRYPTION_KEY}
    process = ServerProcess(tmp_path_factory.mktemp("server-home"), env=env).start()
    yield process
    process.stop()


@pytest.fixture
def remote(server: ServerProcess, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerProcess]:
    """This process's store is the module's server (`HEADRACE_API_URL`)."""
    monkeypatch.setenv("HEADRACE_API_URL", server.api)
    reset_store()
    yield server
    reset_store()
