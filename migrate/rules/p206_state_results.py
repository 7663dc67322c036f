"""P206: `future.get_state()` -> `future.state`; `state.result(fetch=True)` -> `state.result()`;
`await state.result()` -> `await state.aresult()` (`result()` is synchronous now)."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_2X, Rule
from headrace.migrate.rules._util import with_args


class StateResults(Rule):
    code = "P206"
    name = "state-results"
    summary = "`fut.get_state()` -> `fut.state`; `.result(fetch=True)` -> `.result()` (`aresult()`)"
    phase = PHASE_2X
    triggers = ("get_state", "fetch=", "await")

    def leave_Call(self, original_node, updated_node):
        func = updated_node.func
        if not isinstance(func, cst.Attribute):
            return updated_node
        if func.attr.value == "get_state" and not updated_node.args:
            return func.with_changes(attr=cst.Name("state"))
        if func.attr.value == "result":
            args = [a for a in updated_node.args if not (a.keyword and a.keyword.value == "fetch")]
            if len(args) != len(updated_node.args):
                return with_args(updated_node, args)
        return updated_node

    def leave_Await(self, original_node, updated_node):
        inner = updated_node.expression
        was_get_state = isinstance(original_node.expression, cst.Call)
        if isinstance(inner, cst.Attribute) and inner.attr.value == "state" and was_get_state:
            return inner
        if (
            isinstance(inner, cst.Call)
            and isinstance(inner.func, cst.Attribute)
            and inner.func.attr.value == "result"
        ):
            func = inner.func.with_changes(attr=cst.Name("aresult"))
            return updated_node.with_changes(expression=inner.with_changes(func=func))
        return updated_node
