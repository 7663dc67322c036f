"""The Snowflake migrate rules, run through `headrace migrate` on before/after files."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from headrace.cli import build_cli

BEFORE_1X = """\
from prefect import Flow
from prefect.tasks.snowflake import SnowflakeQueriesFromFile, SnowflakeQuery

query = SnowflakeQuery(account="acc", user="etl", password="pw", database="db", warehouse="wh")

with Flow("etl") as flow:
    rows = query(query="select * from t where id = %s", data=(1,))
    SnowflakeQueriesFromFile("acc", "etl", "pw", schema="raw")(file_path="setup.sql")
"""

AFTER_1X = """\
from headrace import flow
from headrace_snowflake import SnowflakeCredentials, SnowflakeConnector, snowflake_query, snowflake_queries_from_file


@flow(name="etl")
def etl():
    rows = snowflake_query("select * from t where id = %s", SnowflakeConnector(credentials=SnowflakeCredentials(account="acc", user="etl", password="pw"), database="db", warehouse="wh"), params=(1,))
    # TODO(headrace-migrate SNOW101): SnowflakeConnector needs database= and warehouse=
    snowflake_queries_from_file("setup.sql", SnowflakeConnector(credentials=SnowflakeCredentials(account="acc", user="etl", password="pw"), schema="raw"))
"""  # noqa: E501

BEFORE_2X = """\
from prefect import flow
from prefect_snowflake import SnowflakeConnector
from prefect_snowflake.database import snowflake_multiquery, snowflake_query_sync


@flow
async def load():
    connector = await SnowflakeConnector.load("wh")
    await snowflake_multiquery(["insert into t values (1)"], connector, as_transaction=True)
    return snowflake_query_sync("select count(*) from t", connector)
"""

AFTER_2X = """\
from headrace import flow
from headrace_snowflake import SnowflakeConnector
from headrace_snowflake.database import snowflake_query, snowflake_multiquery_async


@flow
async def load():
    connector = await SnowflakeConnector.load("wh")
    await snowflake_multiquery_async(["insert into t values (1)"], connector, as_transaction=True)
    return snowflake_query("select count(*) from t", connector)
"""


def migrate(*args: str) -> None:
    CliRunner().invoke(build_cli(), ["migrate", *args], catch_exceptions=False)


@pytest.mark.parametrize(("before", "after"), [(BEFORE_1X, AFTER_1X), (BEFORE_2X, AFTER_2X)])
def test_rewrites_and_is_idempotent(tmp_path, before, after):
    path = tmp_path / "etl.py"
    path.write_text(before)

    migrate(str(path))
    assert path.read_text() == after

    migrate(str(path))
    assert path.read_text() == after


def test_task_options_and_missing_settings_leave_todos(tmp_path):
    path = tmp_path / "options.py"
    path.write_text(
        "from prefect.tasks.snowflake import SnowflakeQuery\n\n"
        'q = SnowflakeQuery(account="a", user="u", password="p", max_retries=3)\n'
        'q(query="select 1")\n'
    )

    migrate(str(path))

    text = path.read_text()
    assert "max_retries dropped" in text
    assert "SnowflakeConnector needs database= and warehouse=" in text
    assert 'snowflake_query("select 1", SnowflakeConnector(' in text
    assert "SnowflakeQuery" not in text.replace("# TODO", "")


def test_an_instance_used_otherwise_is_left_with_the_task_library_todo(tmp_path):
    path = tmp_path / "passed_around.py"
    path.write_text(
        "from prefect.tasks.snowflake import SnowflakeQuery\n\n"
        'q = SnowflakeQuery(account="a", user="u")\nregistry = [q]\n'
    )

    migrate(str(path))

    text = path.read_text()
    assert 'q = SnowflakeQuery(account="a", user="u")' in text
    assert "TODO(headrace-migrate P117)" in text


def test_prefect_target_uses_prefect_3_names(tmp_path):
    path = tmp_path / "to_prefect.py"
    path.write_text(BEFORE_2X)

    migrate("--target", "prefect", str(path))

    text = path.read_text()
    assert "await snowflake_multiquery_async(" in text
    assert (
        "from prefect_snowflake.database import snowflake_query, snowflake_multiquery_async" in text
    )
