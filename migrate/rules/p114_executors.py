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

    def visit_Module(self, node: cst.Module) -> None:
        self.flow_option: set[int] = set()  # values of `executor=` / `flow.executor = `

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None and node.keyword.value in ("executor", "task_runner"):
            self.flow_option.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target if len(node.targets) == 1 else None
        if isinstance(target, cst.Attribute) and target.attr.value == "executor":
            self.flow_option.add(id(node.value))

    def leave_Call(self, original_node, updated_node):
        qual = self.qualname(updated_node.func) or ""
        if not qual.startswith(_EXECUTORS):
            return updated_node
        kind = qual[len(_EXECUTORS) :]
        if kind == "LocalExecutor":
            if id(original_node) in self.flow_option:  # the default: P103 drops the None
                return cst.Name("None")
            return self._pool("ThreadPoolTaskRunner", [make_arg("max_workers", cst.Integer("1"))])
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
            given = list(updated_node.args)
            if given and given[0].keyword is None and not given[0].star:  # DaskExecutor(address)
                given[0] = make_arg("address", given[0].value)
            args = [a for a in given if a.keyword and a.keyword.value in _DASK_OPTIONS]
            if len(args) != len(updated_node.args):
                self.todo("DaskExecutor options other than address/cluster_*/adapt/client dropped")
            return with_args(cst.Call(func=cst.Name("DaskTaskRunner")), args)
        return updated_node

    def _pool(self, name: str, args: list[cst.Arg]) -> cst.Call:
        self.add_import("prefect.task_runners", name)
        return with_args(cst.Call(func=cst.Name(name)), args)
