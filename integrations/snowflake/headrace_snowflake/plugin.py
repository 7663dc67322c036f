"""headrace plugin: Snowflake block types and migrate rules (entry point `snowflake`)."""

from __future__ import annotations

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_block_types() -> list[type]:
    from headrace_snowflake.credentials import SnowflakeCredentials
    from headrace_snowflake.database import SnowflakeConnector

    return [SnowflakeCredentials, SnowflakeConnector]


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace_snowflake.migrate import RULES

    return list(RULES)
