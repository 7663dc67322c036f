"""P101: legacy import paths and names -> their current spelling, before anything else.

Module paths of 0.15 and of 1.x submodules (`prefect.engine.executors`,
`prefect.storage.github`) become the 1.x package that holds the name, and names with a
current equivalent (`prefect.utilities.edges.unmapped`, `prefect.engine.state.Failed`)
become it (`legacy_names`). Imports are read through the same table, so the other rules
already see the new spelling in this pass: one run is enough.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.dotted import moved_module
from headrace.migrate.legacy_names import MODULE_MOVES, NAME_MOVES
from headrace.migrate.names import dotted_name
from headrace.migrate.rule import PHASE_1X_STRUCTURE
from headrace.migrate.rules._renames import RenameImports

_GONE = ("prefect.environments", "prefect.engine.result_handlers")
_MODULES = [*MODULE_MOVES, *(n.rpartition(".")[0] for n in NAME_MOVES), *_GONE]
_TRIGGERS = tuple(sorted({m.partition(".")[2] for m in _MODULES if "." in m}))


class OldPaths(RenameImports):
    code = "P101"
    name = "legacy-import-paths"
    summary = (
        "legacy import paths and names (`prefect.engine.executors`, "
        "`prefect.utilities.edges.unmapped`, ...) -> current ones"
    )
    phase = PHASE_1X_STRUCTURE
    triggers = _TRIGGERS
    moves = NAME_MOVES
    todo_notes = "environments (use a deployment's work pool) and result handlers (use results)."

    def leave_ImportFrom(self, original_node, updated_node):
        updated = super().leave_ImportFrom(original_node, updated_node)
        if not isinstance(updated, cst.ImportFrom) or updated.relative or updated.module is None:
            return updated
        module = dotted_name(updated.module) or ""
        root, _, rest = module.partition(".")
        if root not in ("prefect", "headrace"):
            return updated
        if module.startswith(_GONE):
            self.todo(
                f"{module} no longer exists: environments and result handlers are replaced "
                "by deployments (work pools) and result_storage"
            )
            return updated
        new = moved_module(f"prefect.{rest}" if rest else "prefect")
        if new.partition(".")[2] == rest:
            return updated
        return updated.with_changes(module=cst.parse_expression(root + new[len("prefect") :]))
