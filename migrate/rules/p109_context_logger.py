"""P109: the logger from `prefect.context` -> `get_run_logger()`."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._context import context_key


class ContextLogger(Rule):
    code = "P109"
    name = "context-logger"
    summary = '`prefect.context.get("logger")` -> `get_run_logger()`'
    phase = PHASE_1X_DETAILS
    triggers = ("logger",)
    todo_notes = "a logger taken at module level (outside any run: use logging.getLogger)."

    def visit_Module(self, node: cst.Module) -> None:
        self.depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth += 1

    def leave_FunctionDef(self, original_node, updated_node):
        self.depth -= 1
        return updated_node

    def _replace(self, updated_node):
        found = context_key(updated_node, self.qualname)
        if not found or found[0] != "logger":
            return updated_node
        self.add_import("prefect", "get_run_logger")
        if not self.depth:
            self.todo("get_run_logger() works only inside a flow or task run; call it there")
        return cst.Call(func=cst.Name("get_run_logger"))

    def leave_Call(self, original_node, updated_node):
        return self._replace(updated_node)

    def leave_Subscript(self, original_node, updated_node):
        return self._replace(updated_node)

    def leave_Attribute(self, original_node, updated_node):
        return self._replace(updated_node)
