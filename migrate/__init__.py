"""`headrace migrate`: a libcst codemod from Prefect 1.x / 2.x code to the current API.

This package's namespace is the public API, for running the codemod and for writing
migrate rules in a plugin (see docs/plugins.md, "Migration rules"); its submodules are
internal and may change.

Running: `migrate_source` (one source text), `all_rules` (built-in and plugin rules, in
run order), `SourceResult`, `Todo`, `MigrationError`.

Writing rules: `Rule` (the base class: a libcst transformer with a rule `code`, a
`phase`, `todo()`, `add_import()`, `qualname()`), the phases, `FileContext`, and two
bases for the common jobs of an integration: `RenameImports` (move imported names to
their new home) and `LibraryTaskRule` (retire 1.x task-library classes configured once
and called in a flow). Node helpers: `source_of`, `short`, `dotted_name`, `kwarg`,
`positional`, `make_arg`, `with_args`, `string_value`, `keep_import_names`.

Names load lazily, so that the command starts without libcst when it only has files to
skip.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    # running
    "MigrationError": "headrace.migrate.transform",
    "SourceResult": "headrace.migrate.transform",
    "Todo": "headrace.migrate.transform",
    "migrate_source": "headrace.migrate.transform",
    "all_rules": "headrace.migrate.registry",
    # writing rules
    "FileContext": "headrace.migrate.rule",
    "Rule": "headrace.migrate.rule",
    "PHASE_1X_STRUCTURE": "headrace.migrate.rule",
    "PHASE_1X_DETAILS": "headrace.migrate.rule",
    "PHASE_2X": "headrace.migrate.rule",
    "PHASE_LEFTOVERS": "headrace.migrate.rule",
    "RenameImports": "headrace.migrate.rules._renames",
    "LibraryTaskRule": "headrace.migrate.rules.library_tasks",
    "dotted_name": "headrace.migrate.names",
    "keep_import_names": "headrace.migrate.imports",
    "kwarg": "headrace.migrate.rules._util",
    "make_arg": "headrace.migrate.rules._util",
    "positional": "headrace.migrate.rules._util",
    "short": "headrace.migrate.rules._util",
    "source_of": "headrace.migrate.rules._util",
    "string_value": "headrace.migrate.rules._util",
    "with_args": "headrace.migrate.rules._util",
}

__all__ = [
    "FileContext",
    "LibraryTaskRule",
    "MigrationError",
    "PHASE_1X_DETAILS",
    "PHASE_1X_STRUCTURE",
    "PHASE_2X",
    "PHASE_LEFTOVERS",
    "RenameImports",
    "Rule",
    "SourceResult",
    "Todo",
    "all_rules",
    "dotted_name",
    "keep_import_names",
    "kwarg",
    "make_arg",
    "migrate_source",
    "positional",
    "short",
    "source_of",
    "string_value",
    "with_args",
]

if TYPE_CHECKING:
    from headrace.migrate.imports import keep_import_names
    from headrace.migrate.names import dotted_name
    from headrace.migrate.registry import all_rules
    from headrace.migrate.rule import (
        PHASE_1X_DETAILS,
        PHASE_1X_STRUCTURE,
        PHASE_2X,
        PHASE_LEFTOVERS,
        FileContext,
        Rule,
    )
    from headrace.migrate.rules._renames import RenameImports
    from headrace.migrate.rules._util import (
        kwarg,
        make_arg,
        positional,
        short,
        source_of,
        string_value,
        with_args,
    )
    from headrace.migrate.rules.library_tasks import LibraryTaskRule
    from headrace.migrate.transform import MigrationError, SourceResult, Todo, migrate_source


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'headrace.migrate' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
