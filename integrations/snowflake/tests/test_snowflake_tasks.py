"""The query tasks in flows, end to end against fakesnow's server."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr
from snowflake.connector.errors import ProgrammingError

from headrace import flow
from headrace_snowflake import (
    SnowflakeConnector,
    snowflake_multiquery,
    snowflake_multiquery_async,
    snowflake_queries_from_file,
    snowflake_query,
    snowflake_query_async,
)

pytestmark = pytest.mark.headrace_harness


@pytest.fixture
def saved_connector(headrace_snowflake_connector):
    headrace_snowflake_connector.execute("create table orders (id int, amount int)")
    headrace_snowflake_connector.save("warehouse")
    return headrace_snowflake_connector


def test_etl_flow_with_a_saved_connector(saved_connector):
    @flow
    def load_orders(amounts: list[int]) -> list:
        connector = SnowflakeConnector.load("warehouse")
        snowflake_multiquery(
            [f"insert into orders values ({i}, {a})" for i, a in enumerate(amounts)],
            connector,
            as_transaction=True,
        )
        return snowflake_query(
            "select count(*), sum(amount) from orders where amount >= %(min)s",
            connector,
            params={"min": 10},
            poll_frequency_seconds=0.05,
        )

    assert load_orders([5, 10, 20]) == [(2, 30)]


def test_transaction_control_results_on_request(saved_connector):
    results = snowflake_multiquery.fn(
        ["insert into orders values (1, 1)", "select count(*) from orders"],
        saved_connector,
        as_transaction=True,
        return_transaction_control_results=True,
    )
    assert len(results) == 4
    assert results[2] == [(1,)]


def test_a_failing_statement_rolls_the_transaction_back(saved_connector):
    @flow
    def half_load():
        snowflake_multiquery(
            ["insert into orders values (1, 100)", "insert into orders values (oops)"],
            saved_connector,
            as_transaction=True,
        )

    state = half_load(return_state=True)

    assert state.is_failed()
    assert "ProgrammingError" in state.message
    assert snowflake_query.fn("select count(*) from orders", saved_connector) == [(0,)]


def test_bad_sql_fails_the_task_with_snowflakes_message(saved_connector):
    @flow
    def broken():
        return snowflake_query("select * from missing_table", saved_connector)

    with pytest.raises(ProgrammingError, match="MISSING_TABLE does not exist"):
        broken()


def test_queries_from_a_file(saved_connector, tmp_path):
    sql = tmp_path / "setup.sql"
    sql.write_text(
        "-- seed the table\n"
        "insert into orders values (1, 7);\n"
        "insert into orders values (2, 8);\n"
        "select sum(amount) from orders;\n"
    )

    @flow
    def run_file():
        return snowflake_queries_from_file(sql, saved_connector)

    assert run_file()[-1] == [(15,)]


async def test_async_variants_in_an_async_flow(saved_connector):
    @flow
    async def load():
        await snowflake_multiquery_async(["insert into orders values (1, 3)"], saved_connector)
        return await snowflake_query_async("select amount from orders", saved_connector)

    assert await load() == [(3,)]


def test_password_stays_out_of_logs_and_run_records(
    saved_connector, headrace_harness, caplog, headrace_run_logs
):
    caplog.set_level(logging.DEBUG)
    password = "pw-4711-very-secret"  # fakesnow takes any password; this one is findable
    credentials = saved_connector.credentials.model_copy(update={"password": SecretStr(password)})
    connector = saved_connector.model_copy(update={"credentials": credentials})

    @flow(log_prints=True)
    def report(connector: SnowflakeConnector) -> list:
        print(connector)
        return snowflake_query("select count(*) from orders", connector)

    assert report(connector) == [(0,)]
    assert caplog.records
    assert password not in caplog.text
    assert "Finished in state Completed" in headrace_run_logs.text
    assert password not in headrace_run_logs.text
    stored = b"".join(p.read_bytes() for p in headrace_harness.home.rglob("*") if p.is_file())
    assert password.encode() not in stored
