"""P202: names that moved in 3.x (`prefect.client.get_client`, `pause_flow_run`, ...)."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_2X
from headrace.migrate.rules._renames import RenameImports

_MOVES = {
    "prefect.client.get_client": "prefect.get_client",
    "prefect.engine.pause_flow_run": "prefect.flow_runs.pause_flow_run",
    "prefect.engine.resume_flow_run": "prefect.flow_runs.resume_flow_run",
    "prefect.engine.suspend_flow_run": "prefect.flow_runs.suspend_flow_run",
    "prefect.deployments.load_flow_from_flow_run": "prefect.flows.load_flow_from_flow_run",
    "prefect.deployments.deployments.run_deployment": "prefect.deployments.run_deployment",
    "prefect.task_runners.ConcurrentTaskRunner": "prefect.task_runners.ThreadPoolTaskRunner",
    "prefect.task_runners.DaskTaskRunner": "prefect_dask.DaskTaskRunner",
    "prefect.task_runners.RayTaskRunner": "prefect_ray.RayTaskRunner",
}


class MovedNames(RenameImports):
    code = "P202"
    name = "moved-names"
    summary = "moved names (`get_client`, `pause_flow_run`, `ConcurrentTaskRunner`, ...) -> current"
    phase = PHASE_2X
    triggers = ("get_client", "_flow_run", "run_deployment", "TaskRunner", "variables")
    moves = _MOVES

    def leave_Call(self, original_node, updated_node):
        if self.qualname(updated_node.func) == "prefect.variables.get":
            self.add_import("prefect.variables", "Variable")
            return updated_node.with_changes(func=cst.parse_expression("Variable.get"))
        return updated_node
