"""`prefect_dbt.cli.credentials` as headrace_dbt provides it."""

from headrace_dbt.profiles import DbtCliProfile

__all__ = ["DbtCliProfile"]
