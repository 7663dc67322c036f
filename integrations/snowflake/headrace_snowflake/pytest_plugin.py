"""pytest fixtures for code that queries Snowflake (installed with `headrace-snowflake[testing]`).

    fakesnow_server        fakesnow's server mode on 127.0.0.1 (one per session and xdist
                           worker); the connection kwargs it accepts
    snowflake_credentials  SnowflakeCredentials that log in to that server
    snowflake_connector    a SnowflakeConnector on a fresh database per test, closed after

fakesnow keeps one in-memory database for the whole process, so each test gets its own
database name rather than its own server.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def fakesnow_server() -> Iterator[dict[str, Any]]:
    """Start fakesnow's server and yield its `snowflake.connector.connect` kwargs."""
    import fakesnow

    with fakesnow.server() as connect_kwargs:
        yield connect_kwargs


@pytest.fixture
def snowflake_credentials(fakesnow_server: dict[str, Any]):
    """SnowflakeCredentials pointing at `fakesnow_server`."""
    from headrace_snowflake import SnowflakeCredentials

    server = dict(fakesnow_server)
    fields = {name: server.pop(name) for name in ("account", "user", "host", "port", "protocol")}
    return SnowflakeCredentials(password=server.pop("password"), connect_args=server, **fields)


@pytest.fixture
def snowflake_connector(snowflake_credentials) -> Iterator:
    """A SnowflakeConnector on a database of its own (`test_<hex>`, schema `public`)."""
    from headrace_snowflake import SnowflakeConnector

    connector = SnowflakeConnector(
        credentials=snowflake_credentials,
        database=f"test_{uuid.uuid4().hex[:12]}",
        warehouse="test_warehouse",
        schema="public",
        poll_frequency_s=0.05,
    )
    with connector:
        yield connector
