"""P112: `with case(cond, value):` blocks -> `if`/`elif`/`else`; `merge(a, b)` -> a
conditional expression over the branches that set `a` and `b`.

Runs on function bodies, after P103 turned the flow block into a function, where the
condition is a real value instead of a task in a graph.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._util import positional

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

    def visit_Module(self, node: cst.Module) -> None:
        self.branches: list[dict[str, cst.BaseExpression]] = []

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        """Before the block's statements are visited: which case branch sets which name,
        so that `merge(a, b)` further down can be rewritten when its call is left."""
        assigned: dict[str, cst.BaseExpression] = {}
        for group in self._groups(list(node.body)):
            if isinstance(group, list):
                for stmt, (cond, value) in group:
                    for name in _assigned_names(stmt.body):
                        assigned[name] = self._test(cond, value, group)
        self.branches.append(assigned)

    def leave_IndentedBlock(self, original_node, updated_node):
        self.branches.pop()
        if not self.ctx.flow_depth:  # outside a flow body `case` still builds a 1.x graph
            return updated_node
        body: list = []
        for group in self._groups(list(updated_node.body)):
            body.append(self._chain(group) if isinstance(group, list) else group)
        return updated_node.with_changes(body=body)

    def leave_Call(self, original_node, updated_node):
        if self.qualname(updated_node.func) not in _MERGE or not self.ctx.flow_depth:
            return updated_node
        known: dict[str, cst.BaseExpression] = {}
        for level in self.branches:
            known.update(level)
        names = [a.value for a in updated_node.args]
        if not names or not all(isinstance(n, cst.Name) and n.value in known for n in names):
            self.todo("merge() of values not set in a case branch: pick the value with if/else")
            return updated_node
        value: cst.BaseExpression = names[-1]
        for n in reversed(names[:-1]):
            value = cst.IfExp(test=known[n.value], body=n, orelse=value)
        return value

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

    def _groups(self, body: list) -> list:
        """Statements, with runs of `with case(same cond, ...)` gathered into lists."""
        out: list = []
        for stmt in body:
            found = self._case(stmt)
            if found is None:
                out.append(stmt)
            elif (
                out
                and isinstance(out[-1], list)
                and out[-1][0][1][0].deep_equals(found[0])
                and not stmt.leading_lines
            ):
                out[-1].append((stmt, found))
            else:
                out.append([(stmt, found)])
        return out

    def _test(self, cond, value, group) -> cst.BaseExpression:
        if _is_name(value, "True"):
            return cond
        if _is_name(value, "False"):
            return cst.UnaryOperation(operator=cst.Not(), expression=cond)
        return cst.Comparison(
            left=cond, comparisons=[cst.ComparisonTarget(operator=cst.Equal(), comparator=value)]
        )

    def _chain(self, group) -> cst.If:
        """`case(c, True)` + `case(c, False)` -> if/else; other runs -> if/elif."""
        values = sorted(v.value for _, (_, v) in group if isinstance(v, cst.Name))
        pair = len(group) == 2 and values == ["False", "True"]
        node = None
        for k in range(len(group) - 1, -1, -1):
            stmt, (cond, value) = group[k]
            if pair and k == 1:
                node = cst.Else(body=stmt.body)
                continue
            leading = stmt.leading_lines if k == 0 else ()
            test = self._test(cond, value, group)
            node = cst.If(test=test, body=stmt.body, orelse=node, leading_lines=leading)
        return node


def _is_name(node, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


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
