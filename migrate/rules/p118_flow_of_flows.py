"""P118: 1.x flow-of-flows tasks -> `run_deployment(...)` (or a direct subflow call).

`create_flow_run(flow_name="child", parameters=...)` started a registered flow and
returned at once; `run_deployment(name="child/<deployment>", timeout=0)` does the same
for a deployment. The deployment name is not in the 1.x call, hence the TODO.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._util import (
    assigned_call,
    bare_calls,
    code,
    kwarg,
    make_arg,
    one_per_line,
    positional,
    quote,
    short,
    string_value,
    with_args,
)

_CREATE = {
    "prefect.tasks.prefect.create_flow_run",
    "prefect.tasks.prefect.flow_run.create_flow_run",
}
_OTHERS = {
    "wait_for_flow_run": "wait_for_flow_run: call run_deployment(...) without timeout=0 to wait",
    "get_task_run_result": "get_task_run_result: return the value from the child flow instead",
    "StartFlowRun": "StartFlowRun: call the child @flow function (a subflow) or run_deployment()",
}


class FlowOfFlows(Rule):
    code = "P118"
    name = "flow-of-flows"
    summary = '`create_flow_run(flow_name="child")` -> `run_deployment(name="child/<deployment>")`'
    phase = PHASE_1X_DETAILS
    triggers = ("create_flow_run", "wait_for_flow_run", "StartFlowRun", "get_task_run_result")
    todo_notes = (
        "the deployment name (not part of the 1.x call); wait_for_flow_run, "
        "get_task_run_result and StartFlowRun (call the child flow as a subflow instead)."
    )

    def visit_Module(self, node: cst.Module) -> None:
        self.waited: set[int] = set()  # create_flow_run calls a wait_for_flow_run follows
        self.paired: set[int] = set()  # those wait_for_flow_run calls
        self._pairs(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._pairs(node.body)

    def _pairs(self, body) -> None:
        """`x = create_flow_run(...)` then `[y =] wait_for_flow_run(x, ...)` in one block:
        one `run_deployment(...)` that waits, as the pair did."""
        created: dict[str, cst.Call] = {}
        for stmt in body:
            found = assigned_call(stmt)
            call = found[1] if found else (bare_calls(stmt) or [None])[0]
            if call is None:
                continue
            qual = self.qualname(call.func) or ""
            if found and qual in _CREATE:
                created[found[0]] = call
            elif qual.rpartition(".")[2] == "wait_for_flow_run":
                first = positional(call, 0) or kwarg(call, "flow_run_id")
                if first and isinstance(first.value, cst.Name) and first.value.value in created:
                    self.waited.add(id(created.pop(first.value.value)))
                    self.paired.add(id(call))

    def leave_Call(self, original_node, updated_node):
        qual = self.qualname(updated_node.func) or ""
        if qual in _CREATE:
            return self._create(updated_node, wait=id(original_node) in self.waited)
        name = qual.rpartition(".")[2]
        if id(original_node) in self.paired:
            return self._wait(updated_node)
        if qual.startswith("prefect.tasks.prefect") and name in _OTHERS:
            self.todo(_OTHERS[name])
        return updated_node

    def _wait(self, call: cst.Call) -> cst.BaseExpression:
        """The run already waited: what wait_for_flow_run returned is its flow run; with
        raise_final_state=True a failed child still raises."""
        run = (positional(call, 0) or kwarg(call, "flow_run_id")).value
        raising = kwarg(call, "raise_final_state")
        if raising is None or code(raising.value) == "False":
            return run
        self.add_import("prefect.states", "raise_state_exception")
        return cst.parse_expression(f"raise_state_exception({code(run)}.state) or {code(run)}")

    def _create(self, call: cst.Call, wait: bool) -> cst.Call:
        flow_arg = kwarg(call, "flow_name") or positional(call, 0)
        if flow_arg is None:
            self.todo("create_flow_run by flow_id: use run_deployment(name=...)")
            return call
        flow_name = string_value(flow_arg.value)
        if flow_name is not None:
            name: cst.BaseExpression = cst.SimpleString(quote(f"{flow_name}/<deployment>"))
            shown = f'"{flow_name}"'
        else:  # a constant or expression: keep it, the deployment part is appended
            name = cst.BinaryOperation(
                left=flow_arg.value,
                operator=cst.Add(
                    whitespace_before=cst.SimpleWhitespace(" "),
                    whitespace_after=cst.SimpleWhitespace(" "),
                ),
                right=cst.SimpleString('"/<deployment>"'),
            )
            shown = short(flow_arg.value, 50)
        args = [make_arg("name", name)]
        for old, new in _OPTIONS.items():
            arg = kwarg(call, old)
            if arg is not None:
                args.append(make_arg(new, arg.value))
        if not wait:
            args.append(make_arg("timeout", cst.Integer("0")))  # 1.x returned at once
        self.add_import("prefect.deployments", "run_deployment")
        self.todo(
            f"replace <deployment> with the name of the deployment of flow {shown} "
            "(or call the child @flow function directly as a subflow)"
        )
        new = with_args(call.with_changes(func=cst.Name("run_deployment")), args)
        return one_per_line(new) if "\n" in code(call) else new


#: create_flow_run options -> run_deployment options (labels/project_name: no equivalent)
_OPTIONS = {
    "parameters": "parameters",
    "run_name": "flow_run_name",
    "scheduled_start_time": "scheduled_time",
    "idempotency_key": "idempotency_key",
}
