"""P118: 1.x flow-of-flows tasks -> `run_deployment(...)` (or a direct subflow call).

`create_flow_run(flow_name="child", parameters=...)` started a registered flow and
returned at once; `run_deployment(name="child/<deployment>", timeout=0)` does the same
for a deployment. The deployment name is not in the 1.x call, hence the TODO.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._util import kwarg, make_arg, positional, string_value, with_args

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

    def leave_Call(self, original_node, updated_node):
        qual = self.qualname(updated_node.func) or ""
        if qual in _CREATE:
            return self._create(updated_node)
        name = qual.rpartition(".")[2]
        if qual.startswith("prefect.tasks.prefect") and name in _OTHERS:
            self.todo(_OTHERS[name])
        return updated_node

    def _create(self, call: cst.Call) -> cst.Call:
        flow_arg = kwarg(call, "flow_name") or positional(call, 0)
        flow_name = string_value(flow_arg.value) if flow_arg else None
        if flow_name is None:
            self.todo("create_flow_run without a literal flow_name: use run_deployment(name=...)")
            return call
        args = [make_arg("name", cst.SimpleString(f'"{flow_name}/<deployment>"'))]
        parameters = kwarg(call, "parameters")
        if parameters is not None:
            args.append(make_arg("parameters", parameters.value))
        args.append(make_arg("timeout", cst.Integer("0")))  # 1.x returned without waiting
        self.add_import("prefect.deployments", "run_deployment")
        self.todo(
            f'replace <deployment> with the name of the deployment of flow "{flow_name}" '
            "(or call the child @flow function directly as a subflow)"
        )
        return with_args(cst.Call(func=cst.Name("run_deployment")), args)
