"""The base of the rules that rewrite options of `@task(...)`, `@flow(...)` and
`X.with_options(...)` calls."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.dotted import matches
from headrace.migrate.names import dotted_name
from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._util import with_args

TASK_DECORATORS = frozenset({"prefect.task", "prefect.utilities.tasks.task", "prefect.tasks.task"})
FLOW_DECORATORS = frozenset({"prefect.flow", "prefect.flows.flow"})


def _local(func: cst.BaseExpression) -> str | None:
    return dotted_name(func)


class TaskOptionsRule(Rule):
    """Subclasses implement `convert(key, arg)`, returning the replacement arguments."""

    phase = PHASE_1X_DETAILS
    #: the option names this rule looks at
    options: frozenset[str] = frozenset()
    #: also look at @flow(...) calls
    on_flows = False

    def is_options_call(self, call: cst.Call) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "with_options":
            return True
        if isinstance(func, cst.Name) and func.value == "flow" and self.on_flows:
            return True  # the decorator P103 writes before the import exists
        qual = self.qualname(func)
        if self.on_flows and matches(qual or _local(func), self.ctx.project.flow_classes):
            return True  # options of Flow(...) that P103 carries to @flow
        return qual in TASK_DECORATORS or (self.on_flows and qual in FLOW_DECORATORS)

    def leave_Call(self, original_node, updated_node):
        if not any(a.keyword and a.keyword.value in self.options for a in updated_node.args):
            return updated_node
        if not self.is_options_call(updated_node):
            return updated_node
        args: list[cst.Arg] = []
        for arg in updated_node.args:
            if arg.keyword and arg.keyword.value in self.options:
                args += self.convert(arg.keyword.value, arg)
            else:
                args.append(arg)
        return with_args(updated_node, args)

    def leave_Decorator(self, original_node, updated_node):
        call = updated_node.decorator
        if (
            isinstance(call, cst.Call)
            and not call.args
            and isinstance(original_node.decorator, cst.Call)
            and original_node.decorator.args
        ):
            return updated_node.with_changes(decorator=call.func)  # @task() -> @task
        return updated_node

    def convert(self, key: str, arg: cst.Arg) -> list[cst.Arg]:
        raise NotImplementedError

    def is_timedelta(self, func: cst.BaseExpression) -> bool:
        return (self.qualname(func) or "") in {"datetime.timedelta"} or (
            isinstance(func, cst.Name) and func.value == "timedelta"
        )
