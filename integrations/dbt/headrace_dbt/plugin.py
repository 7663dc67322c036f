"""headrace-dbt as a headrace plugin: its block types and its migrate rules.

Kept cheap to import: every headrace command loads every plugin.
"""

from __future__ import annotations

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_block_types() -> list[type]:
    from headrace_dbt.configs import DuckDBTargetConfigs, TargetConfigs
    from headrace_dbt.profiles import DbtCliProfile

    return [DbtCliProfile, TargetConfigs, DuckDBTargetConfigs]


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace_dbt.migrate import RULES

    return list(RULES)
