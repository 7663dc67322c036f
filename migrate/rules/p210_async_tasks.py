"""P210: an `async def` task called directly from a synchronous flow: the call returns a
coroutine now (submitting or mapping it still works)."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_2X, Rule
from headrace.migrate.rules._task_options import FLOW_DECORATORS, TASK_DECORATORS


class AsyncTasks(Rule):
    code = "P210"
    name = "async-task-in-sync-flow"
    summary = "async tasks called from a sync flow -> TODO (make the flow async or the task sync)"
    phase = PHASE_2X
    triggers = ("async def",)
    todo_notes = "always a TODO: the fix is a design decision."

    def _decorated(self, node: cst.FunctionDef, names) -> bool:
        for dec in node.decorators:
            target = dec.decorator.func if isinstance(dec.decorator, cst.Call) else dec.decorator
            if self.qualname(target) in names:
                return True
        return False

    def visit_Module(self, node: cst.Module) -> None:
        self.async_tasks = {
            s.name.value
            for s in node.body
            if isinstance(s, cst.FunctionDef)
            and s.asynchronous
            and self._decorated(s, TASK_DECORATORS)
        }
        self.flow: list[str | None] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        sync_flow = not node.asynchronous and self._decorated(node, FLOW_DECORATORS)
        self.flow.append(node.name.value if sync_flow else None)

    def leave_FunctionDef(self, original_node, updated_node):
        self.flow.pop()
        return updated_node

    def leave_Call(self, original_node, updated_node):
        if not self.flow or self.flow[-1] is None:
            return updated_node
        func = updated_node.func  # .submit()/.map() of an async task still work from sync code
        if isinstance(func, cst.Name) and func.value in self.async_tasks:
            self.todo(
                f"{func.value} is an async task called from the sync flow {self.flow[-1]}: make "
                "the flow async (and await it) or the task sync"
            )
        return updated_node
