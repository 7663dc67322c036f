"""P108: `state_handlers=` -> state hooks where the handler shows which states it acts
on; `trigger=`: no direct equivalent, reported at the spot."""

from __future__ import annotations

import ast

import libcst as cst

from headrace.migrate.rules._task_options import TaskOptionsRule
from headrace.migrate.rules._util import code, make_arg, short


class HandlersTriggers(TaskOptionsRule):
    code = "P108"
    name = "state-handlers-triggers"
    summary = "`state_handlers=`/`trigger=` removed with a TODO naming the replacement"
    triggers = ("state_handlers", "trigger=")
    options = frozenset({"state_handlers", "trigger"})
    on_flows = True
    todo_notes = (
        "the signature of moved handlers (hooks take (task, task_run, state) and cannot "
        "replace the state), handlers whose state tests are unclear, and triggers other "
        "than all_successful (use allow_failure(...) on inputs)."
    )

    def visit_Module(self, node: cst.Module) -> None:
        self.hooks = _hook_kinds(self.ctx.source) if "state_handlers" in self.ctx.source else {}

    def convert(self, key: str, arg: cst.Arg) -> list[cst.Arg]:
        if key == "state_handlers":
            return self._handlers(arg)
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

    def _handlers(self, arg: cst.Arg) -> list[cst.Arg]:
        """Each handler goes to on_failure / on_completion by the state test in its body."""
        elements = arg.value.elements if isinstance(arg.value, (cst.List, cst.Tuple)) else ()
        hooks: dict[str, list[cst.Element]] = {}
        for element in elements:
            name = element.value.value if isinstance(element.value, cst.Name) else None
            for hook in self.hooks.get(name, ()):
                hooks.setdefault(hook, []).append(cst.Element(cst.Name(name)))
        if not hooks or sum(len(v) for v in hooks.values()) < len(elements):
            self.todo(
                f"state_handlers={short(arg.value)} dropped: rewrite them as on_completion=[...] "
                "/ on_failure=[...] hooks taking (task, task_run, state)"
            )
            return []
        moved = ", ".join(sorted({e.value.value for v in hooks.values() for e in v}))
        self.todo(
            f"{moved} became state hooks: change the signature to (task, task_run, state); "
            "a hook cannot replace the state"
        )
        return [make_arg(hook, cst.List(found)) for hook, found in sorted(hooks.items())]


_HOOK_TESTS = {"is_failed": "on_failure", "is_successful": "on_completion"}


def _hook_kinds(source: str) -> dict[str, list[str]]:
    """Module-level handler functions -> the hook lists their state tests point to."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    kinds: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and len(node.args.args) == 3:
            tests = {
                _HOOK_TESTS[n.func.attr]
                for n in ast.walk(node)
                if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and n.func.attr in _HOOK_TESTS
            }
            if tests:
                kinds[node.name] = sorted(tests)
    return kinds
