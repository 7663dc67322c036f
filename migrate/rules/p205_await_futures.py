"""P205: `await task.submit(...)` / `await future.result()` -> no await: in 3.x submitting
and resolving futures is synchronous (awaiting them is a TypeError)."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_2X, Rule

_SUBMITTING = {"submit", "map"}
_RESOLVING = {"result", "wait"}


class AwaitFutures(Rule):
    code = "P205"
    name = "await-futures"
    summary = "`await t.submit(...)`, `await t.map(...)`, `await fut.result()` -> without await"
    phase = PHASE_2X
    triggers = ("await",)

    def visit_Module(self, node: cst.Module) -> None:
        self.futures: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value.expression if isinstance(node.value, cst.Await) else node.value
        if _method(value) in _SUBMITTING:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.futures.add(target.target.value)

    def leave_Await(self, original_node, updated_node):
        inner = updated_node.expression
        method = _method(inner)
        if method in _SUBMITTING:
            return inner
        receiver = inner.func.value if method in _RESOLVING else None
        if isinstance(receiver, cst.Name) and receiver.value in self.futures:
            return inner
        return updated_node


def _method(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.attr.value
    return None
