"""P203: `SequentialTaskRunner` (removed) -> `ThreadPoolTaskRunner(max_workers=1)` when the
module submits or maps tasks (keeps them one at a time), else no task runner at all."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_2X, Rule
from headrace.migrate.rules._util import kwarg, make_arg, with_args

_SEQUENTIAL = "prefect.task_runners.SequentialTaskRunner"


class SequentialRunner(Rule):
    code = "P203"
    name = "sequential-task-runner"
    summary = "`SequentialTaskRunner()` -> `ThreadPoolTaskRunner(max_workers=1)` or dropped"
    phase = PHASE_2X
    triggers = ("SequentialTaskRunner",)

    def visit_Module(self, node: cst.Module) -> None:
        self.concurrent_calls = ".submit(" in self.ctx.source or ".map(" in self.ctx.source

    def leave_Call(self, original_node, updated_node):
        runner = kwarg(updated_node, "task_runner")
        if runner is None or not isinstance(runner.value, cst.Call):
            return updated_node
        if self.qualname(runner.value.func) != _SEQUENTIAL:
            return updated_node
        if self.concurrent_calls:
            self.add_import("prefect.task_runners", "ThreadPoolTaskRunner")
            new = with_args(
                cst.Call(func=cst.Name("ThreadPoolTaskRunner")),
                [make_arg("max_workers", cst.Integer("1"))],
            )
            args = [a.with_changes(value=new) if a is runner else a for a in updated_node.args]
        else:
            args = [a for a in updated_node.args if a is not runner]
        return with_args(updated_node, args)

    def leave_Decorator(self, original_node, updated_node):
        call = updated_node.decorator
        if (
            isinstance(call, cst.Call)
            and not call.args
            and isinstance(original_node.decorator, cst.Call)
            and original_node.decorator.args
        ):
            return updated_node.with_changes(decorator=call.func)
        return updated_node
