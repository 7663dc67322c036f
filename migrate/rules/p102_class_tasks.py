"""P102: class-based tasks (a `Task` subclass with a `run` method) -> `@task` functions.

Only classes whose `run` never touches `self` and that define nothing else are converted;
the function keeps the class name, so imports elsewhere keep working. Instances become
the task itself (`Add()` -> `Add`) or a copy with options (`Add(max_retries=2)` ->
`Add.with_options(max_retries=2)`, renamed further by P105/P106).
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.dotted import matches
from headrace.migrate.project import PREFECT_TASK_CLASSES
from headrace.migrate.rule import PHASE_1X_STRUCTURE, Rule
from headrace.migrate.rules._util import with_args


class ClassTasks(Rule):
    code = "P102"
    name = "class-based-tasks"
    summary = "`class Add(Task): def run(self, ...)` -> `@task def Add(...)`; instances -> the task"
    phase = PHASE_1X_STRUCTURE
    triggers = ("Task",)
    todo_notes = "Task subclasses with __init__, state on self or other methods."

    @classmethod
    def applies(cls, source: str, project) -> bool:
        if "Task" in source:
            return True
        return any(name.rpartition(".")[2] in source for name in project.task_classes)

    def visit_Module(self, node: cst.Module) -> None:
        known = self.ctx.project.task_classes
        module = self.ctx.module
        self.converted: set[str] = set()
        self.local: set[str] = set()
        for stmt in node.body:
            if isinstance(stmt, cst.ClassDef):
                dotted = f"{module}.{stmt.name.value}" if module else stmt.name.value
                if dotted in known or matches(dotted, known):
                    self.local.add(stmt.name.value)
        for local, full in (self.ctx.imports.names if self.ctx.imports else {}).items():
            if matches(full, known):
                self.converted.add(local)
        self.converted |= self.local

    def leave_ClassDef(self, original_node, updated_node):
        bases = [self.qualname(b.value) for b in updated_node.bases]
        if not any(matches(b, PREFECT_TASK_CLASSES) for b in bases):
            return updated_node
        if updated_node.name.value not in self.local:
            self.todo(
                f"class-based task {updated_node.name.value} keeps state or config on self: "
                "rewrite it as a @task function (config as arguments or a closure)"
            )
            return updated_node
        self.add_import("prefect", "task")
        body = list(updated_node.body.body)
        doc = None
        if body and _is_docstring(body[0]):
            doc, body = body[0], body[1:]
        run = body[0]
        params = list(run.params.params)[1:]
        func_body = run.body
        if doc is not None and not (func_body.body and _is_docstring(func_body.body[0])):
            func_body = func_body.with_changes(body=[doc, *func_body.body])
        return run.with_changes(
            name=updated_node.name,
            params=run.params.with_changes(params=params),
            body=func_body,
            decorators=[cst.Decorator(decorator=cst.Name("task"))],
            leading_lines=updated_node.leading_lines,
            lines_after_decorators=(),
        )

    def leave_Call(self, original_node, updated_node):
        func = original_node.func  # `Add()(x)`: only the inner call is an instantiation
        if not (isinstance(func, cst.Name) and func.value in self.converted):
            return updated_node
        if not updated_node.args:
            return func
        return with_args(
            cst.Call(func=cst.Attribute(value=func, attr=cst.Name("with_options"))),
            list(updated_node.args),
        )


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
