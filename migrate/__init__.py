"""`headrace migrate`: a libcst codemod from Prefect 1.x / 2.x code to the current API.

Public API: `Rule` (base class for rules, also from plugins), `migrate_source` (one
source text), `all_rules` (built-in and plugin rules, in run order). Names load lazily,
so that the command starts without libcst when it only has files to skip.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "FileContext": "headrace.migrate.rule",
    "Rule": "headrace.migrate.rule",
    "MigrationError": "headrace.migrate.transform",
    "SourceResult": "headrace.migrate.transform",
    "Todo": "headrace.migrate.transform",
    "migrate_source": "headrace.migrate.transform",
    "all_rules": "headrace.migrate.registry",
}

__all__ = [
    "FileContext",
    "MigrationError",
    "Rule",
    "SourceResult",
    "Todo",
    "all_rules",
    "migrate_source",
]

if TYPE_CHECKING:
    from headrace.migrate.transform import MigrationError, SourceResult, Todo, migrate_source
    from headrace.migrate.registry import all_rules
    from headrace.migrate.rule import FileContext, Rule


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'headrace.migrate' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
