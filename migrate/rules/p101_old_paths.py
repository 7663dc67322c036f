"""P101: 0.15-era import paths -> their 1.x home, so the other 1.x rules recognise them."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.names import dotted_name
from headrace.migrate.rule import PHASE_1X_STRUCTURE, Rule

_MOVED = {
    "prefect.engine.executors": "prefect.executors",
    "prefect.engine.executors.dask": "prefect.executors",
    "prefect.engine.executors.local": "prefect.executors",
    "prefect.utilities.exceptions": "prefect.exceptions",
    "prefect.core.tasks": "prefect",
    "prefect.utilities.logging": "prefect.logging",
}
_GONE = ("prefect.environments", "prefect.engine.result_handlers")


class OldPaths(Rule):
    code = "P101"
    name = "0.15-import-paths"
    summary = "0.15 import paths (`prefect.engine.executors`, ...) -> 1.x paths"
    phase = PHASE_1X_STRUCTURE
    triggers = (
        "prefect.utilities.logging",
        "prefect.engine.executors",
        "prefect.utilities.exceptions",
        "prefect.core.tasks",
        "prefect.environments",
        "prefect.engine.result_handlers",
    )
    todo_notes = "environments (use a deployment's work pool) and result handlers (use results)."

    def leave_ImportFrom(self, original_node, updated_node):
        if updated_node.relative or updated_node.module is None:
            return updated_node
        module = dotted_name(updated_node.module) or ""
        if module in _MOVED:
            return updated_node.with_changes(module=cst.parse_expression(_MOVED[module]))
        if module.startswith(_GONE):
            self.todo(
                f"{module} no longer exists: environments and result handlers are replaced "
                "by deployments (work pools) and result_storage"
            )
        return updated_node
