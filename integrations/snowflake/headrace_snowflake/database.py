"""SnowflakeConnector: a block that keeps one connection and the cursors of fetch calls."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import ConfigDict, Field, PrivateAttr

from headrace.blocks.core import Block
from headrace_snowflake._execution import Parameters, cursor_key, run_and_wait
from headrace_snowflake.credentials import SnowflakeCredentials
from headrace_snowflake.queries import (
    snowflake_multiquery,
    snowflake_multiquery_async,
    snowflake_queries_from_file,
    snowflake_query,
    snowflake_query_async,
)

__all__ = [
    "SnowflakeConnector",
    "snowflake_multiquery",
    "snowflake_multiquery_async",
    "snowflake_queries_from_file",
    "snowflake_query",
    "snowflake_query_async",
]


class SnowflakeConnector(Block):
    """A Snowflake database, warehouse and schema to run queries in, with credentials.

    The connection opens on first use and stays open until `close()` (or the end of a
    `with` block). Repeated `fetch_one`/`fetch_many`/`fetch_all` calls with the same
    operation and parameters continue from the same cursor instead of re-running the
    query; `reset_cursors()` starts over.

    Example:
        with SnowflakeConnector.load("warehouse") as conn:
            conn.execute("create table if not exists t (id int)")
            rows = conn.fetch_all("select * from t where id > %(min)s", {"min": 1})
    """

    _block_type_name = "Snowflake Connector"
    _block_schema_capabilities = ["database"]

    model_config = ConfigDict(populate_by_name=True)

    credentials: SnowflakeCredentials = Field(description="Who connects.")
    database: str = Field(description="Default database.")
    warehouse: str = Field(description="Default warehouse.")
    schema_: str | None = Field(default=None, alias="schema", description="Default schema.")
    fetch_size: int = Field(default=1, ge=1, description="Rows per fetch_many by default.")
    poll_frequency_s: float = Field(
        default=1, gt=0, description="Seconds between checks on a running query."
    )

    _connection: Any = PrivateAttr(None)
    _cursors: dict[tuple, Any] = PrivateAttr(default_factory=dict)

    # -- connection ---------------------------------------------------------------------
    def connect(self, **connect_kwargs: Any):
        """A new connection to this database, warehouse and schema (the caller closes it)."""
        defaults = {"database": self.database, "warehouse": self.warehouse}
        if self.schema_:
            defaults["schema"] = self.schema_
        return self.credentials.get_client(**{**defaults, **connect_kwargs})

    def get_connection(self):
        """The block's connection, opened again if it was closed meanwhile."""
        if self._connection is None or self._connection.is_closed():
            self._cursors.clear()
            self._connection = self.connect()
        return self._connection

    def reset_cursors(self) -> None:
        """Close the cursors fetch calls keep, so the next fetch runs its query again."""
        cursors, self._cursors = list(self._cursors.values()), {}
        for cursor in cursors:
            cursor.close()

    def close(self) -> None:
        """Close the cursors and the connection; the block can be used again later."""
        try:
            self.reset_cursors()
        finally:
            connection, self._connection = self._connection, None
            if connection is not None:
                connection.close()

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the live connection, so the block can go to other processes
        (process pools, Dask, Ray); the copy opens its own connection when used."""
        state = super().__getstate__()
        private = {**(state.get("__pydantic_private__") or {}), "_connection": None}
        return {**state, "__pydantic_private__": {**private, "_cursors": {}}}

    def __enter__(self) -> SnowflakeConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queries ------------------------------------------------------------------------
    def fetch_one(
        self, operation: str, parameters: Parameters = None, **execute_kwargs: Any
    ) -> tuple | None:
        """The next row of `operation`'s result, None when there is none left."""
        return self._fetch_cursor(operation, parameters, execute_kwargs).fetchone()

    def fetch_many(
        self,
        operation: str,
        parameters: Parameters = None,
        size: int | None = None,
        **execute_kwargs: Any,
    ) -> list[tuple]:
        """The next `size` rows (default `fetch_size`); an empty list at the end."""
        cursor = self._fetch_cursor(operation, parameters, execute_kwargs)
        return cursor.fetchmany(size or self.fetch_size)

    def fetch_all(
        self, operation: str, parameters: Parameters = None, **execute_kwargs: Any
    ) -> list[tuple]:
        """Every row not fetched yet."""
        return self._fetch_cursor(operation, parameters, execute_kwargs).fetchall()

    def execute(self, operation: str, parameters: Parameters = None, **execute_kwargs: Any) -> None:
        """Run one statement (DDL, DML) and return nothing."""
        with self.get_connection().cursor() as cursor:
            cursor.execute(operation, params=parameters, **execute_kwargs)

    def execute_many(self, operation: str, seq_of_parameters: list[Parameters]) -> None:
        """Run one statement once per parameter set (batched by the connector)."""
        with self.get_connection().cursor() as cursor:
            cursor.executemany(operation, seq_of_parameters)

    # -- the same, for async code (Prefect 3's *_async names) -----------------------------
    async def fetch_one_async(
        self, operation: str, parameters: Parameters = None, **execute_kwargs: Any
    ) -> tuple | None:
        """`fetch_one` in a worker thread."""
        return await asyncio.to_thread(self.fetch_one, operation, parameters, **execute_kwargs)

    async def fetch_many_async(
        self,
        operation: str,
        parameters: Parameters = None,
        size: int | None = None,
        **execute_kwargs: Any,
    ) -> list[tuple]:
        """`fetch_many` in a worker thread."""
        return await asyncio.to_thread(
            self.fetch_many, operation, parameters, size, **execute_kwargs
        )

    async def fetch_all_async(
        self, operation: str, parameters: Parameters = None, **execute_kwargs: Any
    ) -> list[tuple]:
        """`fetch_all` in a worker thread."""
        return await asyncio.to_thread(self.fetch_all, operation, parameters, **execute_kwargs)

    async def execute_async(
        self, operation: str, parameters: Parameters = None, **execute_kwargs: Any
    ) -> None:
        """`execute` in a worker thread."""
        await asyncio.to_thread(self.execute, operation, parameters, **execute_kwargs)

    async def execute_many_async(self, operation: str, seq_of_parameters: list[Parameters]) -> None:
        """`execute_many` in a worker thread."""
        await asyncio.to_thread(self.execute_many, operation, seq_of_parameters)

    def _fetch_cursor(self, operation: str, parameters: Parameters, execute_kwargs: dict):
        key = cursor_key(operation, parameters, execute_kwargs)
        connection = self.get_connection()
        cursor = self._cursors.get(key)
        if cursor is None:
            cursor_type = execute_kwargs.pop("cursor_type", None)
            cursor = connection.cursor(cursor_type) if cursor_type else connection.cursor()
            run_and_wait(cursor, operation, parameters, self.poll_frequency_s, **execute_kwargs)
            self._cursors[key] = cursor
        return cursor
