"""Server tests: real `headrace server start` processes on free loopback ports."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server_support import ServerProcess  # noqa: E402

from headrace.store import reset_store  # noqa: E402

#: shared by the server and its clients, so blocks saved through the server can be loaded
ENCRYPTION_KEY = "x3G9mZt0G1u7XU5dYQv0l4lJmI8bWq1l9gM7Jr2vQ0s="


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server per test module, over a fresh SQLite store."""
    env = {"HEADRACE_ENCRYPTION_KEY": ENCRYPTION_KEY}
    process = ServerProcess(tmp_path_factory.mktemp("server-home"), env=env).start()
    yield process
    process.stop()


@pytest.fixture
def client_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """This test process as a client with its own home (nothing of the server's)."""
    home = tmp_path / "client-home"
    monkeypatch.setenv("HEADRACE_HOME", str(home))
    reset_store()
    yield home
    reset_store()


@pytest.fixture
def remote(
    server: ServerProcess, client_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ServerProcess]:
    """`HEADRACE_API_URL` points this process's store at the module's server."""
    monkeypatch.setenv("HEADRACE_API_URL", server.api)
    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", ENCRYPTION_KEY)
    reset_store()
    yield server
    reset_store()
