"""prefect-dbt's `prefect_dbt.cli` module paths, so migrated imports keep working."""

from headrace_dbt.configs import DuckDBTargetConfigs, TargetConfigs
from headrace_dbt.profiles import DbtCliProfile

__all__ = ["DbtCliProfile", "DuckDBTargetConfigs", "TargetConfigs"]
