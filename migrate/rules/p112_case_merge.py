"""P112: `with case(cond, value):` blocks -> `if`/`elif`/`else`; `merge(a, b)` -> a
conditional expression over the branches that set `a` and `b`.

Runs on function bodies, after P103 turned the flow block into a function, where the
condition is a real value instead of a task in a graph.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._util import code, positional

_CASE = frozenset(
    {"prefect.case", "prefect.tasks.control_flow.case", "prefect.tasks.control_flow.case.case"}
)
_MERGE = frozenset(
    {
        "prefect.tasks.control_flow.merge",
        "prefect.tasks.control_flow.conditional.merge",
        "prefect.merge",
    }
)


class CaseMerge(Rule):
    code = "P112"
    name = "case-merge"
    summary = (
        "`with case(c, True)`/`case(c, False)` + `merge(a, b)` -> `if c:`/`else:` + `a if c else b`"
    )
    phase = PHASE_1X_DETAILS
    triggers = ("case(",)
    todo_notes = "merge() of values not set in a case branch, case blocks outside a flow function."

    def leave_IndentedBlock(self, original_node, updated_node):
        return updated_node.with_changes(body=self._rewrite(list(updated_node.body)))

    def _case(self, stmt) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
        if not (
            isinstance(stmt, cst.With) and len(stmt.items) == 1 and stmt.items[0].asname is None
        ):
            return None
        call = stmt.items[0].item
        if not (isinstance(call, cst.Call) and self.qualname(call.func) in _CASE):
            return None
        cond, value = positional(call, 0), positional(call, 1)
        if cond is None or value is None:
            return None
        return cond.value, value.value

    def _test(self, cond, value) -> cst.BaseExpression:
        if code(value) == "True":
            return cond
        if code(value) == "False":
            return cst.UnaryOperation(operator=cst.Not(), expression=cond)
        return cst.Comparison(
            left=cond, comparisons=[cst.ComparisonTarget(operator=cst.Equal(), comparator=value)]
        )

    def _rewrite(self, body: list) -> list:
        out: list = []
        assigned: dict[str, cst.BaseExpression] = {}
        i = 0
        while i < len(body):
            first = self._case(body[i])
            if first is None:
                out.append(self._merge(body[i], assigned))
                i += 1
                continue
            group = [(body[i], first)]
            j = i + 1
            while j < len(body):
                nxt = self._case(body[j])
                if nxt is None or code(nxt[0]) != code(first[0]) or body[j].leading_lines:
                    break
                group.append((body[j], nxt))
                j += 1
            out.append(self._chain(group, assigned))
            i = j
        return out

    def _chain(self, group, assigned) -> cst.If:
        values = [code(v) for _, (_, v) in group]
        pair = sorted(values) == ["False", "True"]
        node = None
        for k in range(len(group) - 1, -1, -1):
            stmt, (cond, value) = group[k]
            test = self._test(cond, value)
            for name in _assigned_names(stmt.body):
                assigned[name] = test
            if pair and k == 1:
                node = cst.Else(body=stmt.body)
                continue
            if pair and k == 0:
                test = cond if values[0] == "True" else test
            node = cst.If(
                test=test,
                body=stmt.body,
                orelse=node,
                leading_lines=stmt.leading_lines if k == 0 else (),
            )
        return node

    def _merge(self, stmt, assigned):
        if "merge" not in code(stmt) or not isinstance(stmt, cst.SimpleStatementLine):
            return stmt
        replacer = _MergeCalls(self, assigned)
        new = stmt.visit(replacer)
        if replacer.failed:
            return self.todo_at(new, "merge() of values not set in a case branch: use if/else")
        return new


class _MergeCalls(cst.CSTTransformer):
    """`merge(a, b)` -> `a if <test of a's branch> else b`, inside one statement."""

    def __init__(self, rule: CaseMerge, assigned: dict) -> None:
        super().__init__()
        self.rule = rule
        self.assigned = assigned
        self.failed = False

    def leave_Call(self, original_node, updated_node):
        if self.rule.qualname(updated_node.func) not in _MERGE:
            return updated_node
        names = [a.value for a in updated_node.args]
        if not names or not all(
            isinstance(n, cst.Name) and n.value in self.assigned for n in names
        ):
            self.failed = True
            return updated_node
        value: cst.BaseExpression = names[-1]
        for n in reversed(names[:-1]):
            value = cst.IfExp(test=self.assigned[n.value], body=n, orelse=value)
        return value


def _assigned_names(block) -> list[str]:
    names = []
    for stmt in getattr(block, "body", ()):
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign):
                    names += [
                        t.target.value for t in small.targets if isinstance(t.target, cst.Name)
                    ]
    return names
