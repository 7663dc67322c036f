"""P110: other `prefect.context` keys -> `prefect.runtime.flow_run` / `task_run`."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._context import CONTEXT, context_key
from headrace.migrate.rules._util import short

_START = "runtime.flow_run.scheduled_start_time"
_KEYS = {
    "parameters": "runtime.flow_run.parameters",
    "flow_run_id": "runtime.flow_run.id",
    "flow_run_name": "runtime.flow_run.name",
    "flow_name": "runtime.flow_run.flow_name",
    "scheduled_start_time": _START,
    "date": _START,
    "today": f'{_START}.strftime("%Y-%m-%d")',
    "today_nodash": f'{_START}.strftime("%Y%m%d")',
    "yesterday": f'({_START} - datetime.timedelta(days=1)).strftime("%Y-%m-%d")',
    "tomorrow": f'({_START} + datetime.timedelta(days=1)).strftime("%Y-%m-%d")',
    "task_run_id": "runtime.task_run.id",
    "task_name": "runtime.task_run.task_name",
    "task_run_name": "runtime.task_run.name",
    "task_tags": "runtime.task_run.tags",
    "task_run_count": "runtime.task_run.run_count",
}


class ContextKeys(Rule):
    code = "P110"
    name = "context-keys"
    summary = "`prefect.context.<key>` reads -> `prefect.runtime.flow_run.*` / `task_run.*`"
    phase = PHASE_1X_DETAILS
    triggers = ("context",)
    todo_notes = "keys with no runtime equivalent (map_index, config, user-set keys) and "
    todo_notes += "`with prefect.context(...)` blocks."

    def _replace(self, node):
        found = context_key(node, self.qualname)
        if not found or found[0] == "logger":
            return node
        key = found[0]
        if key not in _KEYS:
            self.todo(
                f"{short(node)}: the 1.x context key {key!r} has no runtime equivalent; read it "
                "from prefect.runtime or pass it as a parameter"
            )
            return node
        self.add_import("prefect", "runtime")
        if "datetime." in _KEYS[key]:
            self.add_import("datetime", "")
        return cst.parse_expression(_KEYS[key])

    def leave_Call(self, original_node, updated_node):
        func = updated_node.func
        if self.qualname(func) == CONTEXT or (
            isinstance(func, cst.Attribute)
            and func.attr.value == "update"
            and self.qualname(func.value) == CONTEXT
        ):
            self.todo(
                "setting 1.x context values is gone: pass values as parameters, or use "
                "tags(...) for tags"
            )
            return updated_node
        return self._replace(updated_node)

    def leave_Subscript(self, original_node, updated_node):
        return self._replace(updated_node)

    def leave_Attribute(self, original_node, updated_node):
        return self._replace(updated_node)
