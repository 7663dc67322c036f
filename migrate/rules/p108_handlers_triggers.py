"""P108: `state_handlers=` and `trigger=`: no direct equivalent, reported at the spot."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rules._task_options import TaskOptionsRule
from headrace.migrate.rules._util import code, short


class HandlersTriggers(TaskOptionsRule):
    code = "P108"
    name = "state-handlers-triggers"
    summary = "`state_handlers=`/`trigger=` removed with a TODO naming the replacement"
    triggers = ("state_handlers", "trigger=")
    options = frozenset({"state_handlers", "trigger"})
    on_flows = True
    todo_notes = (
        "state handlers (rewrite as on_completion=/on_failure= hooks taking (task, task_run, "
        "state)) and triggers other than all_successful (use allow_failure(...) on inputs)."
    )

    def convert(self, key: str, arg: cst.Arg) -> list[cst.Arg]:
        if key == "state_handlers":
            self.todo(
                f"state_handlers={short(arg.value)} dropped: rewrite them as on_completion=[...] "
                "/ on_failure=[...] hooks taking (task, task_run, state)"
            )
            return []
        trigger = code(arg.value).rpartition(".")[2]
        if trigger == "all_successful":
            return []
        if trigger == "all_finished" or trigger == "always_run":
            self.todo(
                f"trigger={trigger} dropped: pass the upstream results wrapped in "
                "allow_failure(...) so this task runs after failures"
            )
        elif trigger == "manual_only":
            self.todo("trigger=manual_only dropped: pause the flow with pause_flow_run()")
        else:
            self.todo(
                f"trigger={trigger} dropped: call the task with return_state=True upstream "
                "and branch on state.is_failed() in the flow"
            )
        return []
