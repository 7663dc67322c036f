"""P300: no import may point at nothing. After every other rule ran, an import of a
prefect/headrace name the target does not have is removed, and each use of the name gets
a TODO saying what to do instead (from `legacy_names`, else that the target lacks it).

Which names exist is read from the target itself (`targets.exists`): headrace's real
module tree, or Prefect's public names. Uses of names that P199/P299 already report keep
only their TODO.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.dotted import normalise
from headrace.migrate.imports import keep_import_names
from headrace.migrate.legacy_names import REMOVED_1X, REMOVED_2X
from headrace.migrate.names import dotted_name, module_of
from headrace.migrate.rule import PHASE_LEFTOVERS, Rule
from headrace.migrate.targets import exists, is_ours

_REPORTED = {**REMOVED_1X, **REMOVED_2X}


def _reported(full: str) -> bool:
    return any(full == p or full.startswith(p + ".") for p in _REPORTED)


class MissingNames(Rule):
    code = "P300"
    name = "missing-in-target"
    summary = "imports of names the target lacks -> removed, with a TODO at each use"
    phase = PHASE_LEFTOVERS
    triggers = ("prefect", "headrace")
    todo_notes = "every use of a removed import: the target has no such name."

    @classmethod
    def still_needed(cls, imports, code: str) -> bool:
        """Cheap: only when an imported prefect name is missing in either target."""
        return any(
            is_ours(full) and not (exists(full, "headrace") and exists(full, "prefect"))
            for full in imports.names.values()
        ) or ("import prefect." in code or "import headrace." in code)

    def visit_Module(self, node: cst.Module) -> None:
        names = self.ctx.imports.names if self.ctx.imports else {}
        self.missing = {
            local: full
            for local, full in names.items()
            if is_ours(full) and not exists(full, self.ctx.target)
        }
        self.skip: set[int] = set()
        self.in_import = 0

    def _there(self, full: str) -> bool:
        return not is_ours(full) or exists(full, self.ctx.target)

    def leave_Module(self, original_node, updated_node):
        """Top-level import lines: a removed line hands its comments (a TODO explaining
        the replacement, say) to the next statement, and leaves no blank first line."""
        body: list = []
        carried: list[cst.EmptyLine] = []
        for stmt in updated_node.body:
            if carried:
                stmt = stmt.with_changes(leading_lines=[*stmt.leading_lines, *carried])
                carried = []
            new = self._top_level_import(stmt)
            if new is None:
                carried = [line for line in stmt.leading_lines if line.comment is not None]
                continue
            body.append(new)
        if len(body) == len(updated_node.body) and all(
            a is b for a, b in zip(body, updated_node.body, strict=True)
        ):
            return updated_node
        if body and not updated_node.header and body[0] is not updated_node.body[0]:
            lines = list(body[0].leading_lines)
            while lines and lines[0].comment is None:
                lines.pop(0)
            body[0] = body[0].with_changes(leading_lines=lines)
        return updated_node.with_changes(body=body)

    def _top_level_import(self, stmt):
        """The statement with missing names dropped from its imports; None if emptied."""
        if not isinstance(stmt, cst.SimpleStatementLine):
            return stmt
        parts = []
        for small in stmt.body:
            if isinstance(small, cst.ImportFrom):
                small = self._import_from(small)
            elif isinstance(small, cst.Import):
                small = self._import(small)
            if not isinstance(small, cst.RemovalSentinel):
                parts.append(small)
        if not parts:
            return None
        if len(parts) == len(stmt.body) and all(
            a is b for a, b in zip(parts, stmt.body, strict=True)
        ):
            return stmt
        parts[-1] = parts[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return stmt.with_changes(body=parts)

    def visit_ImportFrom(self, node) -> None:
        self.in_import += 1

    def leave_ImportFrom(self, original_node, updated_node):
        self.in_import -= 1
        if len(self._statements) <= 1:  # module level: done in leave_Module
            return updated_node
        return self._import_from(updated_node)

    def _import_from(self, updated_node):
        if updated_node.relative or updated_node.module is None:
            return updated_node
        module = normalise(module_of(updated_node, None))
        if not is_ours(module):
            return updated_node
        if isinstance(updated_node.names, cst.ImportStar):
            if not self._there(module):
                self.todo(f"{module} does not exist in {self.ctx.target}: import removed")
                return cst.RemoveFromParent()
            return updated_node

        def keep(alias: cst.ImportAlias) -> bool:
            full = f"{module}.{alias.name.value}"
            if self._there(full):
                return True
            local = (alias.asname.name if alias.asname else alias.name).value
            if local not in self.missing:  # a nested import: its uses are not tracked
                self.todo(f"{full} does not exist in {self.ctx.target}: import removed")
            return False

        return keep_import_names(updated_node, keep)

    def visit_Import(self, node) -> None:
        self.in_import += 1

    def leave_Import(self, original_node, updated_node):
        self.in_import -= 1
        if len(self._statements) <= 1:
            return updated_node
        return self._import(updated_node)

    def _import(self, updated_node):
        def keep(alias: cst.ImportAlias) -> bool:
            full = normalise(dotted_name(alias.name) or "")
            if self._there(full):
                return True
            self.todo(f"module {full} does not exist in {self.ctx.target}: import removed")
            return False

        return keep_import_names(updated_node, keep)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def leave_Name(self, original_node, updated_node):
        full = self.missing.get(updated_node.value)
        if full is None or self.in_import or id(original_node) in self.skip:
            return updated_node
        if not _reported(full):
            self.todo(
                f"{updated_node.value} ({full}) does not exist in {self.ctx.target}: "
                "its import was removed; replace this use"
            )
        return updated_node
