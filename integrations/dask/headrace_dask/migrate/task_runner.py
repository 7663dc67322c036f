"""Prefect 2.x/3.x prefect-dask code -> headrace_dask.

Imports of `prefect_dask` keep their names (the core moves the import root), and
1.x `DaskExecutor` is handled by the core rule P114. This rule covers what differs:
`DaskTaskRunner(cluster=c)` connects by address here (`address=c.scheduler_address`),
and `PrefectDaskClient` (a Dask client that can submit headrace tasks) has no
counterpart, so its uses get a TODO.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate import PHASE_2X, Rule, make_arg, with_args

_RUNNERS = {"prefect_dask.DaskTaskRunner", "prefect_dask.task_runners.DaskTaskRunner"}
_CLIENTS = {"prefect_dask.PrefectDaskClient", "prefect_dask.client.PrefectDaskClient"}


class DaskRunnerCluster2x(Rule):
    code = "DASK201"
    name = "dask-2x"
    summary = "`DaskTaskRunner(cluster=c)` -> `DaskTaskRunner(address=c.scheduler_address)`"
    phase = PHASE_2X
    triggers = ("prefect_dask",)
    todo_notes = "`PrefectDaskClient`: use `get_dask_client()` inside tasks instead."

    def leave_Call(self, original_node, updated_node):
        qual = self.qualname(updated_node.func)
        if qual in _CLIENTS:
            self.todo("no PrefectDaskClient here: use get_dask_client() in tasks")
            return updated_node
        if qual not in _RUNNERS:
            return updated_node
        args = []
        for arg in updated_node.args:
            if arg.keyword is not None and arg.keyword.value == "cluster":
                address = cst.Attribute(value=arg.value, attr=cst.Name("scheduler_address"))
                arg = make_arg("address", address).with_changes(comma=arg.comma)
            args.append(arg)
        return with_args(updated_node, args)
