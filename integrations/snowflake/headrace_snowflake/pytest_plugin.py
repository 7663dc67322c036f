"""pytest fixtures for code that queries Snowflake (installed with `headrace-snowflake[testing]`).

    headrace_snowflake_server       fakesnow's server mode on 127.0.0.1 (one per session
                                    and xdist worker); the connection kwargs it accepts
    headrace_snowflake_credentials  SnowflakeCredentials that log in to that server
    headrace_snowflake_connector    a SnowflakeConnector on a fresh database per test,
                                    closed after

The names before the `headrace_` prefix (`fakesnow_server`, `snowflake_credentials`,
`snowflake_connector`) work with a DeprecationWarning until headrace 0.3.

fakesnow keeps one in-memory database for the whole process, so each test gets its own
database name rather than its own server.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from headrace.testing.pytest_plugin import deprecated_fixture


@pytest.fixture(scope="session")
def headrace_snowflake_server() -> Iterator[dict[str, Any]]:
    """Start fakesnow's server and yield its `snowflake.connector.connect` kwargs."""
    import fakesnow

    with fakesnow.server() as connect_kwargs:
        yield connect_kwargs


@pytest.fixture
def headrace_snowflake_credentials(headrace_snowflake_server: dict[str, Any]):
    """SnowflakeCredentials pointing at `headrace_snowflake_server`."""
    from headrace_snowflake import SnowflakeCredentials

    server = dict(headrace_snowflake_server)
    fields = {name: server.pop(name) for name in ("account", "user", "host", "port", "protocol")}
    return SnowflakeCredentials(password=server.pop("password"), connect_args=server, **fields)


@pytest.fixture
def headrace_snowflake_connector(headrace_snowflake_credentials) -> Iterator:
    """A SnowflakeConnector on a database of its own (`test_<hex>`, schema `public`)."""
    from headrace_snowflake import SnowflakeConnector

    connector = SnowflakeConnector(
        credentials=headrace_snowflake_credentials,
        database=f"test_{uuid.uuid4().hex[:12]}",
        warehouse="test_warehouse",
        schema="public",
        poll_frequency_s=0.05,
    )
    with connector:
        yield connector


_fakesnow_server = deprecated_fixture("fakesnow_server", "headrace_snowflake_server", "session")
_snowflake_credentials = deprecated_fixture(
    "snowflake_credentials", "headrace_snowflake_credentials"
)
_snowflake_connector = deprecated_fixture("snowflake_connector", "headrace_snowflake_connector")
