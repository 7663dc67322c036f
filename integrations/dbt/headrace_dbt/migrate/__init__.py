"""`headrace migrate` rules for legacy dbt code, registered through the plugin hook."""

from headrace_dbt.migrate.dbt101_shell_task import DbtShellTaskRule
from headrace_dbt.migrate.dbt201_prefect_dbt import PrefectDbtImports

RULES = (DbtShellTaskRule, PrefectDbtImports)

__all__ = ["RULES", "DbtShellTaskRule", "PrefectDbtImports"]
