"""Query tasks, named and shaped like prefect-snowflake's, plus their async variants.

Each task call opens its own connection from the connector's settings and closes it at
the end, so tasks running in parallel never share a session (or a block's cursors).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snowflake.connector.cursor import SnowflakeCursor

from headrace import task
from headrace_snowflake._execution import Parameters, run_and_wait

if TYPE_CHECKING:
    from headrace_snowflake.database import SnowflakeConnector

BEGIN_TRANSACTION_STATEMENT = "BEGIN TRANSACTION"
END_TRANSACTION_STATEMENT = "COMMIT"


@task
def snowflake_query(
    query: str,
    snowflake_connector: SnowflakeConnector,
    params: Parameters = None,
    cursor_type: type[SnowflakeCursor] = SnowflakeCursor,
    poll_frequency_seconds: float = 1,
) -> list[Any]:
    """Run one query and return all its rows."""
    connection = snowflake_connector.connect()
    try:
        with connection.cursor(cursor_type) as cursor:
            run_and_wait(cursor, query, params, poll_frequency_seconds)
            return cursor.fetchall()
    finally:
        connection.close()


@task
def snowflake_multiquery(
    queries: list[str],
    snowflake_connector: SnowflakeConnector,
    params: Parameters = None,
    cursor_type: type[SnowflakeCursor] = SnowflakeCursor,
    as_transaction: bool = False,
    return_transaction_control_results: bool = False,
    poll_frequency_seconds: float = 1,
) -> list[list[Any]]:
    """Run queries in order in one session and return each one's rows.

    With `as_transaction` they run between BEGIN and COMMIT, and a failure rolls all
    of them back before the error is raised.
    """
    statements = list(queries)
    if as_transaction:
        statements = [BEGIN_TRANSACTION_STATEMENT, *statements, END_TRANSACTION_STATEMENT]
    connection = snowflake_connector.connect()
    try:
        results = []
        with connection.cursor(cursor_type) as cursor:
            try:
                for statement in statements:
                    run_and_wait(cursor, statement, params, poll_frequency_seconds)
                    results.append(cursor.fetchall())
            except Exception:
                if as_transaction:
                    cursor.execute("ROLLBACK")
                raise
        if as_transaction and not return_transaction_control_results:
            results = results[1:-1]
        return results
    finally:
        connection.close()


@task
def snowflake_queries_from_file(
    file_path: str | Path,
    snowflake_connector: SnowflakeConnector,
    cursor_type: type[SnowflakeCursor] = SnowflakeCursor,
) -> list[list[Any]]:
    """Run every statement of a SQL file (split the way SnowSQL does) and return each
    one's rows; the successor of 1.x `SnowflakeQueriesFromFile`."""
    text = Path(file_path).read_text()
    connection = snowflake_connector.connect()
    try:
        cursors = connection.execute_string(text, remove_comments=True, cursor_class=cursor_type)
        return [cursor.fetchall() for cursor in cursors]
    finally:
        connection.close()


@task
async def snowflake_query_async(
    query: str,
    snowflake_connector: SnowflakeConnector,
    params: Parameters = None,
    cursor_type: type[SnowflakeCursor] = SnowflakeCursor,
    poll_frequency_seconds: float = 1,
) -> list[Any]:
    """`snowflake_query` for async flows; the connector's blocking calls run in a thread."""
    return await asyncio.to_thread(
        snowflake_query.fn, query, snowflake_connector, params, cursor_type, poll_frequency_seconds
    )


@task
async def snowflake_multiquery_async(
    queries: list[str],
    snowflake_connector: SnowflakeConnector,
    params: Parameters = None,
    cursor_type: type[SnowflakeCursor] = SnowflakeCursor,
    as_transaction: bool = False,
    return_transaction_control_results: bool = False,
    poll_frequency_seconds: float = 1,
) -> list[list[Any]]:
    """`snowflake_multiquery` for async flows."""
    return await asyncio.to_thread(
        snowflake_multiquery.fn,
        queries,
        snowflake_connector,
        params,
        cursor_type,
        as_transaction,
        return_transaction_control_results,
        poll_frequency_seconds,
    )
