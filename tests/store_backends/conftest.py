"""Every test here runs twice: on a SQLite file and on a fresh PostgreSQL schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from headrace.store import open_store, reset_store
from headrace.store.interface import Store


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch) -> Iterator[None]:  # noqa: ANN001
    """A home of the test's own (its SQLite store, block key and results)."""
    monkeypatch.setenv("HEADRACE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HEADRACE_DATABASE_URL", raising=False)
    monkeypatch.delenv("HEADRACE_API_URL", raising=False)
    reset_store()
    yield
    reset_store()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:  # noqa: ANN001
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A store opened directly on the backend (not installed as the process store)."""
    opened = open_store(store_url)
    yield opened
    opened.close()
