"""`prefect_dbt.cli.configs` as headrace_dbt provides it."""

from headrace_dbt.configs import DuckDBTargetConfigs, TargetConfigs

__all__ = ["DuckDBTargetConfigs", "TargetConfigs"]
