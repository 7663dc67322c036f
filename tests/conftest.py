"""Fixtures shared by the test folders: a real PostgreSQL server for the store tests.

`postgres_server` starts Debian's PostgreSQL (installed by `make test`) once per test
process (each xdist worker has its own) in a temporary directory, on 127.0.0.1 and a
free port, with durability switched off for speed; it is stopped at the end. As root the
server runs as an unprivileged user (PostgreSQL refuses root). `store_backend` runs a test
once per backend: the SQLite file of the test's home, and a fresh schema of that server.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pg_support import PostgresServer  # noqa: E402


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty schema on the test PostgreSQL server."""
    schema = postgres_server.create_schema()
    yield postgres_server.url(schema)
    postgres_server.drop_schema(schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on each SQL backend: the process store is the SQLite file of the
    test's home, or a fresh PostgreSQL schema (`HEADRACE_DATABASE_URL`)."""
    from headrace.store import reset_store

    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        monkeypatch.setenv("HEADRACE_DATABASE_URL", url)
        request.addfinalizer(reset_store)  # close connections before the schema is dropped
    reset_store()
    return request.param
