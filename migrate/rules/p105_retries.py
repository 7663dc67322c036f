"""P105: `max_retries` / `retry_delay` -> `retries` / `retry_delay_seconds`."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rules._task_options import TaskOptionsRule
from headrace.migrate.rules._util import make_arg, short, timedelta_seconds


class Retries(TaskOptionsRule):
    code = "P105"
    name = "task-retries"
    summary = "`max_retries=`/`retry_delay=timedelta(...)` -> `retries=`/`retry_delay_seconds=`"
    triggers = ("max_retries", "retry_delay", "retry_on")
    options = frozenset({"max_retries", "retry_delay", "retry_on"})
    todo_notes = "retry_on= (write a retry_condition_fn)."

    def convert(self, key: str, arg: cst.Arg) -> list[cst.Arg]:
        if key == "max_retries":
            return [make_arg("retries", arg.value)]
        if key == "retry_delay":
            return [
                make_arg("retry_delay_seconds", timedelta_seconds(arg.value, self.is_timedelta))
            ]
        self.todo(
            f"retry_on={short(arg.value)} dropped: pass retry_condition_fn=fn(task, task_run, "
            "state) that returns True for the exceptions to retry on"
        )
        return []
