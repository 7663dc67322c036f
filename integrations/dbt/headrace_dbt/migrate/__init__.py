"""`headrace migrate` rules for legacy dbt code, one module per rule, registered through the
plugin hook (`RULES`)."""

from headrace_dbt.migrate.prefect_dbt import PrefectDbtImports
from headrace_dbt.migrate.shell_task import DbtShellTaskRule

RULES = (DbtShellTaskRule, PrefectDbtImports)

__all__ = ["DbtShellTaskRule", "PrefectDbtImports", "RULES"]
