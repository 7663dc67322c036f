"""P113: `upstream_tasks=[...]` -> `wait_for=[...]`; `b.set_upstream(a)` /
`a.set_downstream(b)` / `flow.set_dependencies(task=b, upstream_tasks=[a])` -> `wait_for`
on the call that produces `b`, or nothing when the call order already keeps the order."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._util import (
    assigned_call,
    bare_calls,
    code,
    kwarg,
    make_arg,
    short,
    with_args,
)


class Dependencies(Rule):
    code = "P113"
    name = "upstream-dependencies"
    summary = "`upstream_tasks=` -> `wait_for=`; `set_upstream`/`set_downstream` -> `wait_for=`"
    phase = PHASE_1X_DETAILS
    triggers = ("upstream_tasks", "set_upstream", "set_downstream", "set_dependencies")
    todo_notes = "dependencies on tasks whose call is not in the same function body."

    def leave_Call(self, original_node, updated_node):
        if not self.ctx.flow_depth:  # a 1.x graph outside a converted flow: left alone
            return updated_node
        upstream = kwarg(updated_node, "upstream_tasks")
        func = updated_node.func
        if upstream is None or (
            isinstance(func, cst.Attribute) and func.attr.value == "set_dependencies"
        ):
            return updated_node  # set_dependencies is handled per statement below
        value = upstream.value
        if isinstance(value, cst.List):  # unmapped(...) means nothing for ordering
            value = value.with_changes(elements=[_unwrap(e) for e in value.elements])
        new = upstream.with_changes(keyword=cst.Name("wait_for"), value=value)
        return updated_node.with_changes(
            args=[new if a is upstream else a for a in updated_node.args]
        )

    def leave_IndentedBlock(self, original_node, updated_node):
        if not self.ctx.flow_depth:
            return updated_node
        body = list(updated_node.body)
        changed = False
        for index in range(len(body) - 1, -1, -1):
            edge = self._edge(body[index])
            if edge is None:
                continue
            downstream, upstreams = edge
            result = self._apply(body, index, downstream, upstreams)
            if result is None:
                body[index] = self.todo_at(
                    body[index],
                    f"dependency {short(body[index].body[0], 80)} not converted: call "
                    f"{downstream}(..., wait_for=[...]) with the upstream results",
                )
                changed = True
                continue
            body = result
            changed = True
        return updated_node.with_changes(body=body) if changed else updated_node

    def _edge(self, stmt) -> tuple[str, list[cst.BaseExpression]] | None:
        calls = bare_calls(stmt)
        if not calls or not isinstance(calls[0].func, cst.Attribute):
            return None
        call = calls[0]
        method = call.func.attr.value
        owner = call.func.value
        if method in ("set_upstream", "set_downstream"):
            if len(call.args) != 1 or call.args[0].keyword or not isinstance(owner, cst.Name):
                return None
            other = call.args[0].value
            if method == "set_upstream":
                return owner.value, [other]
            return (other.value, [owner]) if isinstance(other, cst.Name) else None
        if method == "set_dependencies":
            task, ups = kwarg(call, "task"), kwarg(call, "upstream_tasks")
            if task is None or ups is None or not isinstance(task.value, cst.Name):
                return None
            if len(call.args) != 2 or not isinstance(ups.value, (cst.List, cst.Tuple)):
                return None
            return task.value.value, [e.value for e in ups.value.elements]
        return None

    def _apply(self, body: list, index: int, downstream: str, upstreams) -> list | None:
        producer = None
        for pos, stmt in enumerate(body[:index]):
            found = assigned_call(stmt)
            if found and found[0] == downstream:
                producer = (pos, found[1])
            calls = bare_calls(stmt)
            if calls and isinstance(calls[0].func, cst.Name) and calls[0].func.value == downstream:
                producer = (pos, calls[0])
        if producer is None:
            return None
        pos, call = producer
        waits = []
        for up in upstreams:
            if not isinstance(up, cst.Name):
                return None
            where = _defined_at(body[:index], up.value)
            if where is None or where[0] >= pos:
                return None  # unknown, or the upstream runs later: a human must reorder
            if where[1]:  # a result we can wait for; a bare earlier call is already ordered
                waits.append(up)
        new_call = call
        if waits:
            existing = kwarg(call, "wait_for")
            if existing is not None and isinstance(existing.value, cst.List):
                elements = [*existing.value.elements, *[cst.Element(w) for w in waits]]
                args = [
                    a if a is not existing else a.with_changes(value=cst.List(elements))
                    for a in call.args
                ]
            elif existing is None:
                args = [*call.args, make_arg("wait_for", cst.List([cst.Element(w) for w in waits]))]
            else:
                return None
            new_call = with_args(call, args)
        new_body = list(body)
        new_body[pos] = _replace_call(body[pos], call, new_call)
        del new_body[index]
        return new_body


def _defined_at(body: list, name: str) -> tuple[int, bool] | None:
    """(index, True) of the statement assigning `name`, (index, False) of a bare `name()`."""
    for pos, stmt in enumerate(body):
        found = assigned_call(stmt)
        if found and found[0] == name:
            return pos, True
        calls = bare_calls(stmt)
        if calls and isinstance(calls[0].func, cst.Name) and calls[0].func.value == name:
            return pos, False
    return None


def _replace_call(stmt, old: cst.Call, new: cst.Call):
    small = stmt.body[0]
    return stmt.with_changes(body=[small.with_changes(value=new)])


def _unwrap(element: cst.Element) -> cst.Element:
    value = element.value
    if isinstance(value, cst.Call) and code(value.func).endswith("unmapped") and value.args:
        return element.with_changes(value=value.args[0].value)
    return element
