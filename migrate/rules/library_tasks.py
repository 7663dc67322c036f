"""A base for rules that retire Prefect 1.x task-library classes.

1.x library tasks were configured once and called inside the flow:
`notify = SlackTask(webhook_secret="HOOK")` then `notify(message="done")`, or inline
`SlackTask(...)(...)`. The current API has one function call instead. This base finds
the instances whose every use is a call, removes their assignments (keeping the blank
lines around them), drops the legacy import once nothing uses it, and hands each call
to the subclass together with the call that created the instance. Integration packages
build their own migrate rules on it (headrace-slack, headrace-snowflake).
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from headrace.migrate.names import dotted_name, normalise
from headrace.migrate.rule import Rule


class LibraryInstances(cst.CSTVisitor):
    """`name = LibraryTask(...)` assignments and inline `LibraryTask(...)(...)` calls."""

    def __init__(self, is_library_task: Callable[[cst.BaseExpression], bool]) -> None:
        self.is_library_task = is_library_task
        self.assigned: dict[str, cst.Call] = {}
        self.reassigned: set[str] = set()
        self.uses: dict[str, int] = {}
        self.calls: dict[str, int] = {}
        self.inline = 0
        self._targets: set[int] = set()

    def convertible(self) -> dict[str, cst.Call]:
        """Instances whose every use is a call of the name."""
        return {
            name: call
            for name, call in self.assigned.items()
            if self.uses.get(name, 0) == self.calls.get(name, 0) and name not in self.reassigned
        }

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._targets.add(id(target.target))
                name = target.target.value
                if isinstance(node.value, cst.Call) and self.is_library_task(node.value.func):
                    if name in self.assigned:
                        self.reassigned.add(name)
                    self.assigned[name] = node.value
                else:
                    self.reassigned.add(name)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._targets:
            self.uses[node.value] = self.uses.get(node.value, 0) + 1

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Call) and self.is_library_task(node.func.func):
            self.inline += 1
        if isinstance(node.func, cst.Name):
            self.calls[node.func.value] = self.calls.get(node.func.value, 0) + 1

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `a.b`: only the root is a use of a name
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # a keyword is not a use of a name
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False


class LibraryTaskRule(Rule):
    """Subclasses set `legacy_names` (the classes' qualified names) and, in `leave_Call`,
    rewrite the calls for which `created_by(call)` gives the creating call."""

    #: qualified names of the 1.x task classes this rule retires
    legacy_names: frozenset[str] = frozenset()

    def is_library_task(self, func: cst.BaseExpression) -> bool:
        return self.qualname(func) in self.legacy_names

    def visit_Module(self, node: cst.Module) -> None:
        collector = LibraryInstances(self.is_library_task)
        node.visit(collector)
        self.instances = collector.convertible()
        imported = self.ctx.imports.names if self.ctx.imports else {}
        local = [name for name, full in imported.items() if full in self.legacy_names]
        uses = sum(collector.uses.get(name, 0) for name in local)
        # the import goes once every use is converted, so P117 has nothing left to flag
        self.drop_import = uses == len(self.instances) + collector.inline

    def created_by(self, call: cst.Call) -> cst.Call | None:
        """The `LibraryTask(...)` call behind `instance(...)` or `LibraryTask(...)(...)`."""
        func = call.func
        if isinstance(func, cst.Name) and func.value in self.instances:
            return self.instances[func.value]
        if isinstance(func, cst.Call) and self.is_library_task(func.func):
            return func
        return None

    def leave_ImportFrom(self, original_node, updated_node):
        if not self.drop_import or updated_node.relative or updated_node.module is None:
            return updated_node
        module = normalise(dotted_name(updated_node.module) or "")
        kept = [
            a for a in updated_node.names if f"{module}.{a.name.value}" not in self.legacy_names
        ]
        if len(kept) == len(updated_node.names):
            return updated_node
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)

    def _is_instance(self, stmt: cst.CSTNode) -> bool:
        if not isinstance(stmt, cst.SimpleStatementLine) or not stmt.body:
            return False
        small = stmt.body[0]
        return (
            isinstance(small, cst.Assign)
            and isinstance(small.targets[0].target, cst.Name)
            and small.targets[0].target.value in self.instances
        )

    def leave_SimpleStatementLine(self, original_node, updated_node):
        nested = len(self._statements) > 1  # module-level ones go in leave_Module
        return (
            cst.RemoveFromParent() if nested and self._is_instance(updated_node) else updated_node
        )

    def leave_Module(self, original_node, updated_node):
        """Drop the instances; the next statement keeps their blank lines."""
        body, carried = [], []
        for stmt in updated_node.body:
            if self._is_instance(stmt):
                carried = list(stmt.leading_lines)
                continue
            if carried:
                lines = [*carried, *stmt.leading_lines]
                blank = [line for line in lines if line.comment is None]
                lines = blank[:2] + [line for line in lines if line.comment is not None]
                stmt = stmt.with_changes(leading_lines=lines)
                carried = []
            body.append(stmt)
        return updated_node.with_changes(body=body)
