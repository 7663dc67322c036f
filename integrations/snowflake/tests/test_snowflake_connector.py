"""SnowflakeConnector against fakesnow's server with the real connector."""

from __future__ import annotations

import socket

import pytest
from snowflake.connector import DictCursor
from snowflake.connector.errors import ProgrammingError

from headrace_snowflake import SnowflakeConnectError, SnowflakeConnector, SnowflakeCredentials

ROWS = [{"id": i, "name": f"n{i}"} for i in range(1, 6)]


@pytest.fixture
def customers(headrace_snowflake_connector):
    headrace_snowflake_connector.execute("create table customers (id int, name varchar)")
    headrace_snowflake_connector.execute_many(
        "insert into customers values (%(id)s, %(name)s)", ROWS
    )
    return headrace_snowflake_connector


def test_fetch_many_continues_until_the_rows_run_out(customers):
    query = "select id from customers order by id"
    batches = []
    while batch := customers.fetch_many(query, size=2):
        batches.append(batch)

    assert batches == [[(1,), (2,)], [(3,), (4,)], [(5,)]]


def test_fetch_one_then_fetch_all_share_the_cursor(customers):
    query = "select id, name from customers where id > %(min)s order by id"

    first = customers.fetch_one(query, {"min": 2})
    rest = customers.fetch_all(query, {"min": 2})

    assert first == (3, "n3")
    assert rest == [(4, "n4"), (5, "n5")]
    assert customers.fetch_one(query, {"min": 2}) is None


def test_reset_cursors_runs_the_query_again(customers):
    query = "select count(*) from customers"
    assert customers.fetch_one(query) == (5,)
    assert customers.fetch_one(query) is None

    customers.reset_cursors()

    assert customers.fetch_one(query) == (5,)


def test_fetch_size_and_positional_parameters(customers):
    customers.fetch_size = 3
    rows = customers.fetch_many("select id from customers where id <> %s order by id", (2,))
    assert rows == [(1,), (3,), (4,)]


def test_cursor_type_is_passed_to_the_connector(customers):
    rows = customers.fetch_all("select name from customers where id = 1", cursor_type=DictCursor)
    assert rows == [{"NAME": "n1"}]


def test_bad_sql_raises_the_connectors_error_and_the_block_stays_usable(customers):
    with pytest.raises(ProgrammingError, match="syntax error"):
        customers.fetch_all("selec * form customers")
    with pytest.raises(ProgrammingError, match="does not exist"):
        customers.execute("insert into no_such_table values (1)")

    assert customers.fetch_one("select count(*) from customers") == (5,)


def test_context_manager_closes_and_the_block_reconnects(headrace_snowflake_credentials):
    connector = SnowflakeConnector(
        credentials=headrace_snowflake_credentials,
        database="reconnect_db",
        warehouse="wh",
        schema="public",
    )
    with connector:
        first = connector.get_connection()
        connector.execute("create table t (id int)")
        assert connector.get_connection() is first
    assert connector._connection is None

    with connector:
        second = connector.get_connection()
        assert second is not first
        assert connector.fetch_all("select count(*) from t") == [(0,)]


def test_a_connection_closed_elsewhere_is_never_handed_out(headrace_snowflake_credentials):
    # keep-alive sessions are closed without a logout call, which fakesnow does not answer
    credentials = headrace_snowflake_credentials.model_copy(
        update={
            "connect_args": {
                **headrace_snowflake_credentials.connect_args,
                "server_session_keep_alive": True,
            }
        }
    )
    with SnowflakeConnector(credentials=credentials, database="closed_db", warehouse="wh") as c:
        stale = c.get_connection()
        c.fetch_one("select 1")
        stale.close()
        assert stale.is_closed()

        fresh = c.get_connection()

        assert fresh is not stale and not fresh.is_closed()
        assert c.fetch_one("select 1") == (1,)


def test_an_unreachable_server_is_a_clear_error_without_the_password(
    headrace_snowflake_credentials,
):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    unreachable = headrace_snowflake_credentials.model_copy(
        update={"port": free_port, "connect_args": {"login_timeout": 2, "network_timeout": 1}}
    )
    connector = SnowflakeConnector(credentials=unreachable, database="d", warehouse="w")

    with pytest.raises(SnowflakeConnectError, match=f"127.0.0.1:{free_port}") as info:
        connector.get_connection()

    assert "as 'fake'" in str(info.value)
    assert unreachable.password.get_secret_value() not in str(info.value)


def test_key_pair_login(headrace_snowflake_credentials, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"phrase"),
    )
    fields = headrace_snowflake_credentials.model_dump(include={"account", "user", "host", "port"})
    credentials = SnowflakeCredentials(
        **fields,
        protocol="http",
        private_key=pem,
        private_key_passphrase="phrase",
        connect_args=headrace_snowflake_credentials.connect_args,
    )

    with SnowflakeConnector(credentials=credentials, database="jwt_db", warehouse="w") as c:
        assert c.fetch_one("select current_database()") == ("JWT_DB",)


def test_readme_fixture_example(headrace_snowflake_connector):
    from headrace_snowflake import snowflake_query

    headrace_snowflake_connector.execute("create table t (id int)")
    headrace_snowflake_connector.execute_many("insert into t values (%s)", [(1,), (2,)])
    assert snowflake_query.fn("select count(*) from t", headrace_snowflake_connector) == [(2,)]


def test_a_connected_block_pickles_without_its_connection(customers):
    import pickle

    assert customers.fetch_one("select count(*) from customers") == (5,)

    copy = pickle.loads(pickle.dumps(customers))

    assert copy._connection is None and copy._cursors == {}
    with copy:
        assert copy.fetch_one("select count(*) from customers") == (5,)
    assert customers.get_connection() is customers._connection


async def test_async_methods_for_prefect_3_async_code(headrace_snowflake_connector):
    await headrace_snowflake_connector.execute_async("create table a (id int)")
    await headrace_snowflake_connector.execute_many_async(
        "insert into a values (%s)", [(1,), (2,), (3,)]
    )
    query = "select id from a order by id"

    assert await headrace_snowflake_connector.fetch_one_async(query) == (1,)
    assert await headrace_snowflake_connector.fetch_many_async(query, size=1) == [(2,)]
    assert await headrace_snowflake_connector.fetch_all_async(query) == [(3,)]
