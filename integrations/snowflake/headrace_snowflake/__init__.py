"""Snowflake for headrace: credentials and connector blocks, query tasks."""

from headrace_snowflake.credentials import SnowflakeCredentials
from headrace_snowflake.database import (
    SnowflakeConnector,
    snowflake_multiquery,
    snowflake_multiquery_async,
    snowflake_queries_from_file,
    snowflake_query,
    snowflake_query_async,
)
from headrace_snowflake.errors import SnowflakeConfigError, SnowflakeConnectError

__all__ = [
    "SnowflakeConfigError",
    "SnowflakeConnectError",
    "SnowflakeConnector",
    "SnowflakeCredentials",
    "snowflake_multiquery",
    "snowflake_multiquery_async",
    "snowflake_queries_from_file",
    "snowflake_query",
    "snowflake_query_async",
]
