"""P114: executors -> task runners (`LocalDaskExecutor` -> `ThreadPoolTaskRunner`, ...)."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._util import kwarg, make_arg, string_value, with_args

_EXECUTORS = "prefect.executors."
_DASK_OPTIONS = {
    "address",
    "cluster_class",
    "cluster_kwargs",
    "adapt_kwargs",
    "client_kwargs",
    "performance_report_path",
}


class Executors(Rule):
    code = "P114"
    name = "executors"
    summary = "`LocalDaskExecutor`/`DaskExecutor`/`LocalExecutor` -> task runners"
    phase = PHASE_1X_DETAILS
    triggers = ("Executor",)
    todo_notes = "executor options with no task-runner equivalent."

    def leave_Call(self, original_node, updated_node):
        qual = self.qualname(updated_node.func) or ""
        if not qual.startswith(_EXECUTORS):
            return updated_node
        kind = qual[len(_EXECUTORS) :]
        if kind == "LocalExecutor":  # the default: no task runner (P103 drops the None)
            return cst.Name("None")
        if kind == "LocalDaskExecutor":
            scheduler = kwarg(updated_node, "scheduler")
            workers = kwarg(updated_node, "num_workers")
            args = [make_arg("max_workers", workers.value)] if workers else []
            mode = string_value(scheduler.value) if scheduler else "threads"
            if mode == "synchronous":
                args = [make_arg("max_workers", cst.Integer("1"))]
            name = "ProcessPoolTaskRunner" if mode == "processes" else "ThreadPoolTaskRunner"
            return self._pool(name, args)
        if kind == "DaskExecutor":
            self.add_import("prefect_dask", "DaskTaskRunner")
            args = [a for a in updated_node.args if a.keyword and a.keyword.value in _DASK_OPTIONS]
            if len(args) != len(updated_node.args):
                self.todo("DaskExecutor options other than address/cluster_*/adapt/client dropped")
            return with_args(cst.Call(func=cst.Name("DaskTaskRunner")), args)
        return updated_node

    def _pool(self, name: str, args: list[cst.Arg]) -> cst.Call:
        self.add_import("prefect.task_runners", name)
        return with_args(cst.Call(func=cst.Name(name)), args)
