"""`headrace migrate` rules for legacy Snowflake code, one module per rule, registered through the
plugin hook (`RULES`)."""

from headrace_snowflake.migrate.prefect_snowflake import SnowflakeImports2x
from headrace_snowflake.migrate.snowflake_tasks import SnowflakeLegacy1x

RULES = (SnowflakeLegacy1x, SnowflakeImports2x)

__all__ = ["RULES", "SnowflakeImports2x", "SnowflakeLegacy1x"]
