"""Server tests: real `headrace server start` processes on free loopback ports."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from event_fixtures import ENCRYPTION_KEY, server  # noqa: E402, F401 - server: a fixture
from server_support import ServerProcess  # noqa: E402

from headrace.store import reset_store  # noqa: E402


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
    server: ServerProcess,  # noqa: F811 - the imported fixture, requested by name
    client_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ServerProcess]:
    """`HEADRACE_API_URL` points this process's store at the module's server."""
    monkeypatch.setenv("HEADRACE_API_URL", server.api)
    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", ENCRYPTION_KEY)
    reset_store()
    yield server
    reset_store()
