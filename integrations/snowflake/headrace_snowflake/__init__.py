"""Snowflake for headrace: credentials and connector blocks, query tasks."""

from importlib.metadata import version

from headrace.utilities.lazy import lazy_exports

__version__ = version("headrace-snowflake")  # written once, in pyproject.toml

# names resolve on first use, so finding this plugin does not import the client library
__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "SnowflakeConfigError": "headrace_snowflake.errors",
        "SnowflakeConnectError": "headrace_snowflake.errors",
        "SnowflakeConnector": "headrace_snowflake.database",
        "SnowflakeCredentials": "headrace_snowflake.credentials",
        "snowflake_multiquery": "headrace_snowflake.database",
        "snowflake_multiquery_async": "headrace_snowflake.database",
        "snowflake_queries_from_file": "headrace_snowflake.database",
        "snowflake_query": "headrace_snowflake.database",
        "snowflake_query_async": "headrace_snowflake.database",
    },
)
