"""P104: calls on a converted flow: `run`, `register`, `visualize`, graph methods.

`flow.run(parameters={...})` becomes a call of the flow function; `flow.register(...)`
becomes `deploy(...)` (registration is gone; a deployment names a work pool instead of a
project and labels). Graph-building methods have no equivalent and get a TODO.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.project import ProjectInfo
from headrace.migrate.rule import PHASE_1X_DETAILS, Rule
from headrace.migrate.rules._util import kwarg, make_arg, positional, quote, short, with_args

_RUN_OPTIONS = {"run_on_schedule", "runner_cls", "executor", "context", "task_states"}
_GRAPH_METHODS = {
    "add_edge",
    "add_task",
    "set_dependencies",
    "chain",
    "get_tasks",
    "set_reference_tasks",
    "validate",
    "terminal_tasks",
    "root_tasks",
    "reference_tasks",
    "update",
    "copy",
    "serialize",
    "diagnose",
    "run_agent",
    "save",
    "load",
    "sorted_tasks",
    "upstream_tasks",
    "downstream_tasks",
    "replace",
    "edges_to",
    "edges_from",
    "bind",
}


class FlowCalls(Rule):
    code = "P104"
    name = "flow-run-register"
    summary = "`flow.run(...)` -> call of the flow function, `flow.register(...)` -> `deploy(...)`"
    phase = PHASE_1X_DETAILS
    triggers = (
        ".run(",
        ".register(",
        ".visualize(",
        ".add_edge(",
        ".set_dependencies(",
        "raise_on_exception",
    )
    todo_notes = (
        "register(): the work pool to deploy to, projects and labels (no equivalent); "
        "code that reads the 1.x State returned by run(); graph methods such as add_edge. "
        "GitHub storage (repo=, path= literals) becomes from_source(source=..., "
        "entrypoint=...) and a run config's image/env/cpu/memory become job_variables=."
    )

    @classmethod
    def applies(cls, source: str, project: ProjectInfo) -> bool:
        return any(t in source for t in cls.triggers)

    def leave_With(self, original_node, updated_node):
        """`with raise_on_exception(): flow.run()` made 1.x raise a task's error; a flow
        call raises it now, so the context manager goes (the block's body stands on its
        own when it was the only one)."""
        kept = []
        for item in updated_node.items:
            call = item.item
            if (
                isinstance(call, cst.Call)
                and self.qualname(call.func) == "prefect.utilities.debug.raise_on_exception"
            ):
                if isinstance(call.func, cst.Name):
                    self.ctx.obsolete_names.add(call.func.value)
                continue
            kept.append(item)
        if len(kept) == len(updated_node.items):
            return updated_node
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(items=kept)
        if not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        body = list(updated_node.body.body)
        body[0] = body[0].with_changes(
            leading_lines=[*updated_node.leading_lines, *body[0].leading_lines]
        )
        return cst.FlattenSentinel(body)

    def visit_Module(self, node: cst.Module) -> None:
        self.bare: set[int] = set()
        self.states: set[str] = set()  # variables holding what flow.run() returned

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and value.func.attr.value == "run"
            and isinstance(value.func.value, cst.Name)
            and value.func.value.value in {*self.ctx.flow_functions, *self._flow_vars()}
        ):
            self.states.update(
                t.target.value for t in node.targets if isinstance(t.target, cst.Name)
            )

    def _flow_vars(self) -> set[str]:
        return {decl.var for decl in self.ctx.flow_functions.values()}

    def visit_Expr(self, node: cst.Expr) -> None:
        self.bare.add(id(node.value))

    def leave_Call(self, original_node, updated_node):
        func = updated_node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return updated_node
        if func.value.value in self.states and func.attr.value == "is_successful":
            return updated_node.with_changes(func=func.with_changes(attr=cst.Name("is_completed")))
        decl = self.ctx.flow_functions.get(func.value.value)
        if decl is None:
            return updated_node
        method = func.attr.value
        if method == "run":
            off = kwarg(updated_node, "run_on_schedule")
            if decl.has_schedule and not (off and off.value.deep_equals(cst.Name("False"))):
                self.todo(
                    "1.x flow.run() followed the flow's schedule; to run on it use "
                    f"{decl.function}.serve(schedules={decl.schedules_var})"
                )
            return self._run(original_node, updated_node)
        if method == "register":
            return self._register(updated_node, decl)
        if method == "visualize" and updated_node.args:
            self.todo("visualize() takes no file options now; it renders the flow's task graph")
            return updated_node.with_changes(args=[])
        if method in _GRAPH_METHODS:
            self.todo(
                f"{func.value.value}.{method}(...) builds a 1.x task graph; a @flow function has "
                "no graph to edit: express it with calls and wait_for=[...] in the function"
            )
        return updated_node

    def _run(self, original: cst.Call, call: cst.Call) -> cst.BaseExpression:
        target = call.func.value
        args: list[cst.Arg] = []
        for arg in call.args:
            key = arg.keyword.value if arg.keyword else None
            if key == "parameters" or (key is None and not arg.star and arg is positional(call, 0)):
                if isinstance(arg.value, cst.Dict) and all(
                    isinstance(e, cst.DictElement)
                    and isinstance(e.key, cst.SimpleString)
                    and e.key.evaluated_value.isidentifier()
                    for e in arg.value.elements
                ):
                    args += [make_arg(e.key.evaluated_value, e.value) for e in arg.value.elements]
                else:
                    args.append(cst.Arg(value=arg.value, star="**"))
            elif key == "run_on_schedule" and arg.value.deep_equals(cst.Name("False")):
                continue  # a single run is what a call does
            elif key in _RUN_OPTIONS:
                self.todo(f"flow.run option {key}={short(arg.value)} has no equivalent; dropped")
            else:
                args.append(arg)
        if id(original) not in self.bare:
            args.append(make_arg("return_state", cst.Name("True")))
            self.todo(
                "the flow call returns a State with return_state=True: read its value with "
                "state.result(); 1.x lookups such as state.result[task] must change"
            )
        return with_args(cst.Call(func=target), args)

    def _register(self, call: cst.Call, decl) -> cst.Call:
        target = call.func.value
        args = [
            make_arg("name", cst.SimpleString(quote(decl.flow_name))),
            make_arg("work_pool_name", cst.SimpleString('"default"')),
        ]
        if decl.job_variables:
            args.append(make_arg("job_variables", cst.parse_expression(decl.job_variables)))
        if decl.has_schedule:
            args.append(make_arg("schedules", cst.Name(decl.schedules_var)))
            module = self.ctx.flow_modules.get(decl.function)
            if decl.path != self.ctx.path and module:
                self.add_import(module, decl.schedules_var)
        if kwarg(call, "project_name") or call.args:
            self.todo(
                f"{short(call, 70)} became deploy(): create the work pool it names; projects "
                "and labels have no equivalent (use tags or work queues)"
            )
        if decl.source:  # 1.x GitHub storage: deploy from the repository
            source = with_args(
                cst.Call(func=cst.Attribute(value=target, attr=cst.Name("from_source"))),
                [
                    make_arg("source", cst.SimpleString(f'"{decl.source}"')),
                    make_arg(
                        "entrypoint",
                        cst.SimpleString(f'"{decl.source_path}:{decl.function}"'),
                    ),
                ],
            )
            target = source
        return with_args(cst.Call(func=cst.Attribute(value=target, attr=cst.Name("deploy"))), args)
