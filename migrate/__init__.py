"""`headrace migrate`: a libcst codemod from Prefect 1.x / 2.x code to the current API.

Public API: `Rule` (base class for rules, also from plugins), `migrate_source` (one
source text), `all_rules` (built-in and plugin rules, in run order).
"""

from headrace.migrate.engine import MigrationError, SourceResult, Todo, migrate_source
from headrace.migrate.registry import all_rules
from headrace.migrate.rule import FileContext, Rule

__all__ = [
    "FileContext",
    "MigrationError",
    "Rule",
    "SourceResult",
    "Todo",
    "all_rules",
    "migrate_source",
]
