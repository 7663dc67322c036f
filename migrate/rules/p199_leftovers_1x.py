"""P199: any 1.x construct still referenced after the other rules ran gets a TODO, so
nothing that will fail at import or run time is left silently."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.names import dotted_name
from headrace.migrate.rule import PHASE_LEFTOVERS, Rule

#: dotted prefix -> what to do instead (the longest matching prefix wins)
LEGACY_1X = {
    "prefect.Parameter": "Parameters are arguments of the @flow function now",
    "prefect.core.parameter": "Parameters are arguments of the @flow function now",
    "prefect.case": "conditional tasks are if/else in the flow function now",
    "prefect.tasks.control_flow": "case/merge/ifelse/switch are if/else in the flow function now",
    "prefect.utilities.edges": "mapped/flatten: map over Python lists; unmapped comes from prefect",
    "prefect.apply_map": "apply_map: call .map() / loop in the flow function",
    "prefect.utilities.tasks.apply_map": "apply_map: call .map() / loop in the flow function",
    "prefect.resource_manager": "resource managers are context managers used in the flow",
    "prefect.utilities.tasks.resource_manager": "use a context manager in the flow",
    "prefect.engine.signals": "raise an exception or return a state from prefect.states",
    "prefect.engine.state": "1.x State classes: use prefect.states (Completed, Failed, ...)",
    "prefect.engine.results": "use persist_result= and result_storage= on the task",
    "prefect.engine.result": "use persist_result= and result_storage= on the task",
    "prefect.engine.cache_validators": "use cache_policy= (prefect.cache_policies)",
    "prefect.triggers": "triggers: pass allow_failure(...) inputs or branch on return_state=True",
    "prefect.Client": "the 1.x Client is gone: use get_client() for the API",
    "prefect.client.Client": "the 1.x Client is gone: use get_client() for the API",
    "prefect.storage": "flow storage is deployment config: flow.from_source(...).deploy(...)",
    "prefect.run_configs": "run configs are work pools + job_variables= on deploy()",
    "prefect.executors": "use task_runner= on @flow (ThreadPoolTaskRunner, ProcessPoolTaskRunner)",
    "prefect.schedules.clocks": "use Cron/Interval/RRule from prefect.schedules",
    "prefect.schedules.filters": "schedule filters have no equivalent",
    "prefect.schedules.adjustments": "schedule adjustments have no equivalent",
    "prefect.tasks.prefect": "call the child @flow directly or run_deployment(name=...)",
    "prefect.agent": "agents are workers (prefect worker start --pool ...) or flow.serve()",
    "prefect.backend": "the 1.x backend API is gone: use get_client()",
    "prefect.environments": "environments are deployments with a work pool now",
    "prefect.utilities.context": "read prefect.runtime.flow_run / task_run instead",
}
#: names that exist in the current API too: only calls of them are legacy
_CALLS_ONLY = {
    "prefect.Flow": "Flow(...) objects are @flow functions now; this one was not converted"
}


class Leftovers1x(Rule):
    code = "P199"
    name = "unsupported-1x"
    summary = "1.x names still used after migration -> TODO (nothing legacy is left silently)"
    phase = PHASE_LEFTOVERS
    triggers = ("prefect",)
    table = LEGACY_1X
    calls_only = _CALLS_ONLY
    todo_notes = "everything listed in its table that the other rules could not convert."

    @classmethod
    def still_needed(cls, imports, code: str) -> bool:
        """Only when a name from the table is still imported, or `prefect.` is spelled out."""
        prefixes = tuple(cls.table) + tuple(cls.calls_only)
        if any(full.startswith(prefixes) for full in imports.names.values()):
            return True
        plain = [local for local, full in imports.names.items() if full == "prefect"]
        return any(f"{local}." in code for local in plain)

    def visit_Module(self, node: cst.Module) -> None:
        self.in_import = 0
        self.inner: set[int] = set()  # parts of a longer a.b.c chain: the chain reports

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.inner.add(id(node.value))

    def visit_Import(self, node) -> None:
        self.in_import += 1

    def leave_Import(self, original_node, updated_node):
        self.in_import -= 1
        return updated_node

    def visit_ImportFrom(self, node) -> None:
        self.in_import += 1

    def leave_ImportFrom(self, original_node, updated_node):
        self.in_import -= 1
        return updated_node

    def _report(self, node, qual: str | None) -> None:
        if not qual or self.in_import or id(node) in self.inner:
            return
        best = max(
            (p for p in self.table if qual == p or qual.startswith(p + ".")), key=len, default=None
        )
        if best is not None:
            self.todo(f"{dotted_name(node)} -> {self.table[best]}")

    def leave_Name(self, original_node, updated_node):
        if self.ctx.imports and updated_node.value in self.ctx.imports.names:
            self._report(original_node, self.qualname(updated_node))
        return updated_node

    def leave_Attribute(self, original_node, updated_node):
        self._report(original_node, self.qualname(updated_node))
        return updated_node

    def leave_Call(self, original_node, updated_node):
        qual = self.qualname(updated_node.func)
        if qual in self.calls_only:
            self.todo(self.calls_only[qual])
        return updated_node
