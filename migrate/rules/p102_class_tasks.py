"""Class-based tasks (a `Task` subclass with a `run` method) -> `@task` functions.

Two shapes are converted, keeping the class name so that imports elsewhere keep working:

- `run` never touches `self` and the class defines nothing else: the class becomes
  `@task def Add(...)`; instances become the task itself (`Add()` -> `Add`) or a copy with
  options (`Add(max_retries=2)` -> `Add.with_options(max_retries=2)`, renamed further by
  the task-option rules).
- configuration kept on `self`: `__init__` stores its arguments (`self.factor = factor`)
  and `run` reads them. The class becomes a factory with the same signature that returns
  the task, the configuration held by a closure, so `Multiply(factor=3)`,
  `Multiply(factor=3)(x)` and `t = Multiply(); t(x)` keep working unchanged. 1.x task
  options passed at instantiation (`Multiply(factor=3, max_retries=2)`) move to
  `.with_options(...)`. `self.logger` becomes `get_run_logger()`.

Anything else (other methods, `self` written in `run`, `self` used other than as
`self.attribute`, options given to `super().__init__`) keeps its class and gets a TODO.
"""

from __future__ import annotations

import ast

import libcst as cst

from headrace.migrate.dotted import matches
from headrace.migrate.project import PREFECT_TASK_CLASSES
from headrace.migrate.rule import PHASE_1X_STRUCTURE, Rule
from headrace.migrate.rules._util import code, make_arg, with_args


class ClassTasks(Rule):
    code = "P102"
    name = "class-based-tasks"
    summary = (
        "`class Add(Task): def run(self, ...)` -> `@task def Add(...)`; configuration on "
        "`self` -> a factory returning the task"
    )
    phase = PHASE_1X_STRUCTURE
    triggers = ("Task",)
    todo_notes = (
        "Task subclasses with methods besides __init__/run, state written on self in run, "
        "or task options given to super().__init__."
    )

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
        #: class name -> the factory's parameter names (keywords it accepts)
        self.factories: dict[str, _Factory] = {}
        for stmt in node.body:
            if not isinstance(stmt, cst.ClassDef):
                continue
            dotted = f"{module}.{stmt.name.value}" if module else stmt.name.value
            if dotted in known or matches(dotted, known):
                self.local.add(stmt.name.value)
            elif self._is_task_class(stmt):
                factory = _Factory.of(stmt)
                if factory is not None:
                    self.factories[stmt.name.value] = factory
        for local, full in (self.ctx.imports.names if self.ctx.imports else {}).items():
            if matches(full, known):
                self.converted.add(local)
        self.converted |= self.local

    def _is_task_class(self, node: cst.ClassDef) -> bool:
        bases = [self.qualname(b.value) for b in node.bases]
        return any(matches(b, PREFECT_TASK_CLASSES) for b in bases)

    def leave_ClassDef(self, original_node, updated_node):
        if not self._is_task_class(updated_node):
            return updated_node
        name = updated_node.name.value
        if name in self.factories:
            self.add_import("prefect", "task")
            factory = self.factories[name]
            if factory.uses_logger:
                self.add_import("prefect", "get_run_logger")
            return factory.build(updated_node)
        if name not in self.local:
            self.todo(
                f"class-based task {name} keeps state or config on self: "
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
        if isinstance(func, cst.Name) and func.value in self.factories:
            return self.factories[func.value].instantiate(updated_node)
        if not (isinstance(func, cst.Name) and func.value in self.converted):
            return updated_node
        if not updated_node.args:
            return func
        return with_args(
            cst.Call(func=cst.Attribute(value=func, attr=cst.Name("with_options"))),
            list(updated_node.args),
        )


class _Factory:
    """A class whose configuration lives on `self`, and how it becomes a factory."""

    def __init__(self, init: cst.FunctionDef, run: cst.FunctionDef, attrs: set[str]) -> None:
        self.attrs = attrs
        params = init.params
        #: keywords the factory takes; others given at instantiation are task options
        self.accepts = {p.name.value for p in [*params.params[1:], *params.kwonly_params]}
        self.uses_logger = "logger" not in attrs and _reads_logger(run)

    @classmethod
    def of(cls, node: cst.ClassDef) -> _Factory | None:
        """The factory for a class of the supported shape, else None."""
        if node.decorators or node.keywords or len(node.bases) != 1:
            return None
        body = list(node.body.body)
        if body and _is_docstring(body[0]):
            body = body[1:]
        methods = {s.name.value: s for s in body if isinstance(s, cst.FunctionDef)}
        if len(body) != 2 or set(methods) != {"__init__", "run"}:
            return None
        init, run = methods["__init__"], methods["run"]
        if init.decorators or run.decorators or init.asynchronous:
            return None
        tree = ast.parse(code(node))
        klass = tree.body[0]
        assert isinstance(klass, ast.ClassDef)
        found = {f.name: f for f in klass.body if isinstance(f, ast.FunctionDef)}
        if "run" not in found:  # an async run
            return None
        attrs = _configuration(found["__init__"], found["run"])
        return None if attrs is None else cls(init, run, attrs)

    def build(self, node: cst.ClassDef) -> cst.FunctionDef:
        """`def Name(<__init__ params>): <config>; @task(name=...) def run(...); return run`."""
        class_body = list(node.body.body)  # as the other rules left it
        methods = {s.name.value: s for s in class_body if isinstance(s, cst.FunctionDef)}
        init, run = methods["__init__"], methods["run"]
        body: list[cst.BaseStatement] = []
        if class_body and _is_docstring(class_body[0]):
            body.append(class_body[0])
        to_locals = _SelfToLocals(self.attrs)
        for stmt in init.body.body:
            if _is_docstring(stmt) or _is_super_init(stmt):
                continue
            stmt = stmt.visit(to_locals)
            if not _is_identity(stmt):
                body.append(stmt)
        run = run.visit(to_locals)
        name = cst.SimpleString(f'"{node.name.value}"')
        decorator = cst.Call(func=cst.Name("task"), args=[make_arg("name", name)])
        run = run.with_changes(
            params=run.params.with_changes(params=run.params.params[1:]),
            decorators=[cst.Decorator(decorator=decorator)],
            leading_lines=[cst.EmptyLine(indent=False)] if body else [],
            lines_after_decorators=(),
        )
        done = cst.SimpleStatementLine([cst.Return(cst.Name("run"))], [cst.EmptyLine(indent=False)])
        return cst.FunctionDef(
            name=node.name,
            params=_factory_params(init.params),
            body=cst.IndentedBlock(body=[*body, run, done]),
            leading_lines=node.leading_lines,
        )

    def instantiate(self, call: cst.Call) -> cst.BaseExpression:
        """`Cls(cfg, max_retries=2)` -> `Cls(cfg).with_options(max_retries=2)`."""
        config, options = [], []
        for arg in call.args:
            keyword = arg.keyword.value if arg.keyword else None
            (options if keyword and keyword not in self.accepts else config).append(arg)
        if not options:
            return call
        factory = with_args(call, config) if config else call.with_changes(args=[])
        method = cst.Attribute(value=factory, attr=cst.Name("with_options"))
        return with_args(cst.Call(func=method), options)


def _configuration(init: ast.FunctionDef, run: ast.FunctionDef) -> set[str] | None:
    """The attributes `__init__` stores on self, when the class has the factory shape."""
    args = init.args
    if not args.args or args.posonlyargs:
        return None
    me = args.args[0].arg
    if me != "self" or not run.args.args or run.args.args[0].arg != "self":
        return None
    forwarded = {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    params = {a.arg for a in [*args.args[1:], *args.kwonlyargs]}
    attrs: set[str] = set()
    for stmt in init.body:
        if _ast_super_init(stmt, me, forwarded):
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and node.id in forwarded:
                return None  # *args/**kwargs used for something else than super()
        for node in ast.walk(stmt):
            if isinstance(node, ast.Attribute) and _is_name(node.value, me):
                if isinstance(node.ctx, ast.Store):
                    attrs.add(node.attr)
                elif node.attr not in attrs:
                    return None  # reads a Task attribute (self.name, ...)
            elif isinstance(node, ast.Name) and node.id == me and not _attr_base(stmt, node):
                return None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
            rebinds = isinstance(target, ast.Attribute) and target.attr in params
            if rebinds and not _is_name(value, target.attr):
                return None  # `self.p = f(p)` would rebind the parameter p
    run_self = "self"
    used = set()
    for node in ast.walk(run):
        if isinstance(node, ast.Attribute) and _is_name(node.value, run_self):
            if not isinstance(node.ctx, ast.Load):
                return None  # state written during a run
            if node.attr not in attrs and node.attr != "logger":
                return None
        elif isinstance(node, ast.Name):
            if node.id == run_self and not _attr_base(run, node):
                return None
            used.add(node.id)
    for arg in ast.walk(run.args):
        if isinstance(arg, ast.arg):
            used.add(arg.arg)
    used.discard(run_self)
    if used & attrs or "run" in used:
        return None  # a name in run that a setting (or the inner `run`) would shadow
    init_names = {n.id for n in ast.walk(init) if isinstance(n, ast.Name)}
    if (init_names - params - {me}) & attrs:
        return None
    return attrs


def _attr_base(tree: ast.AST, name: ast.Name) -> bool:
    """Is `name` the `self` of a `self.attribute`?"""
    return any(isinstance(n, ast.Attribute) and n.value is name for n in ast.walk(tree))


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _ast_super_init(stmt: ast.stmt, me: str, forwarded: set[str]) -> bool:
    """`super().__init__(*args, **kwargs)` forwarding only the catch-all parameters."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    call = stmt.value
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "__init__"):
        return False
    owner = func.value
    if not (isinstance(owner, ast.Call) and _is_name(owner.func, "super")):
        return False
    starred = [a.value for a in call.args if isinstance(a, ast.Starred)]
    plain = [a for a in call.args if not isinstance(a, ast.Starred)]
    keywords = [k.value for k in call.keywords if k.arg is None]
    named = [k for k in call.keywords if k.arg is not None]
    if plain or named:
        return False
    return all(isinstance(v, ast.Name) and v.id in forwarded for v in [*starred, *keywords])


def _is_super_init(stmt: cst.BaseStatement) -> bool:
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return False
    small = stmt.body[0]
    if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
        return False
    func = small.value.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == "__init__"
        and isinstance(func.value, cst.Call)
        and isinstance(func.value.func, cst.Name)
        and func.value.func.value == "super"
    )


def _is_identity(stmt: cst.BaseStatement) -> bool:
    """`factor = factor`, what `self.factor = factor` leaves behind."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return False
    small = stmt.body[0]
    return (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and isinstance(small.value, cst.Name)
        and small.targets[0].target.value == small.value.value
    )


def _factory_params(params: cst.Parameters) -> cst.Parameters:
    """`__init__`'s parameters without `self` and the `*args`/`**kwargs` it forwarded."""
    kept = list(params.params[1:])
    kwonly = list(params.kwonly_params)
    star = params.star_arg
    if isinstance(star, cst.Param):
        star = cst.ParamStar() if kwonly else cst.MaybeSentinel.DEFAULT
    if kwonly:
        kwonly[-1] = kwonly[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    elif kept:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return params.with_changes(params=kept, kwonly_params=kwonly, star_arg=star, star_kwarg=None)


def _reads_logger(run: cst.FunctionDef) -> bool:
    return "logger" in code(run) and _SelfToLocals({"logger"}).found(run)


class _SelfToLocals(cst.CSTTransformer):
    """`self.factor` -> `factor`; `self.logger` -> `get_run_logger()`."""

    def __init__(self, attrs: set[str]) -> None:
        super().__init__()
        self.attrs = attrs
        self.seen = False

    def found(self, node: cst.CSTNode) -> bool:
        node.visit(self)
        return self.seen

    def leave_Attribute(self, original_node, updated_node):
        if not (isinstance(updated_node.value, cst.Name) and updated_node.value.value == "self"):
            return updated_node
        attr = updated_node.attr.value
        if attr in self.attrs:
            self.seen = True
            return cst.Name(attr, lpar=updated_node.lpar, rpar=updated_node.rpar)
        if attr == "logger":
            self.seen = True
            return cst.Call(func=cst.Name("get_run_logger"))
        return updated_node


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
