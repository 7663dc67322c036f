"""P199: any 1.x construct still referenced after the other rules ran gets a TODO, so
nothing that will fail at import or run time is left silently."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.legacy_names import REMOVED_1X
from headrace.migrate.names import dotted_name
from headrace.migrate.rule import PHASE_LEFTOVERS, TODO_PREFIX, Rule

#: names that exist in the current API too: only calls of them are legacy
_CALLS_ONLY = {
    "prefect.Flow": "Flow(...) objects are @flow functions now; this one was not converted"
}


class Leftovers1x(Rule):
    code = "P199"
    name = "unsupported-1x"
    summary = "1.x names still used after migration -> TODO (nothing legacy is left silently)"
    phase = PHASE_LEFTOVERS
    triggers = ("prefect",)
    table = REMOVED_1X
    calls_only = _CALLS_ONLY
    todo_notes = "everything listed in its table that the other rules could not convert."

    @classmethod
    def still_needed(cls, imports, code: str) -> bool:
        """Only when a name from the table is still imported, or `prefect.` is spelled out."""
        prefixes = tuple(cls.table) + tuple(cls.calls_only)
        if any(full.startswith(prefixes) for full in imports.names.values()):
            return True
        plain = [local for local, full in imports.names.items() if full == "prefect"]
        return any(f"{local}." in code for local in plain)

    def visit_Module(self, node: cst.Module) -> None:
        self.in_import = 0
        self.inner: set[int] = set()  # parts of a longer a.b.c chain: the chain reports

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.inner.add(id(node.value))

    def visit_Import(self, node) -> None:
        self.in_import += 1

    def leave_Import(self, original_node, updated_node):
        self.in_import -= 1
        return updated_node

    def visit_ImportFrom(self, node) -> None:
        self.in_import += 1

    def leave_ImportFrom(self, original_node, updated_node):
        self.in_import -= 1
        return updated_node

    def _report(self, node, qual: str | None) -> None:
        if not qual or self.in_import or id(node) in self.inner:
            return
        best = max(
            (p for p in self.table if qual == p or qual.startswith(p + ".")), key=len, default=None
        )
        if best is not None and not self._explained(dotted_name(node) or ""):
            self.todo(f"{dotted_name(node)} -> {self.table[best]}")

    def _explained(self, name: str) -> bool:
        """Another rule's TODO on this statement already names it: one is enough."""
        stmt = self._statements[-1] if self._statements else None
        for line in getattr(stmt, "leading_lines", ()):
            text = line.comment.value if line.comment else ""
            if text.startswith(TODO_PREFIX) and name.split(".")[0] in text:
                return True
        return False

    def leave_Name(self, original_node, updated_node):
        if self.ctx.imports and updated_node.value in self.ctx.imports.names:
            self._report(original_node, self.qualname(updated_node))
        return updated_node

    def leave_Attribute(self, original_node, updated_node):
        self._report(original_node, self.qualname(updated_node))
        return updated_node

    def leave_Call(self, original_node, updated_node):
        qual = self.qualname(updated_node.func)
        if qual in self.calls_only:
            self.todo(self.calls_only[qual])
        return updated_node
