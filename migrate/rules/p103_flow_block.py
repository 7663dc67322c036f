"""P103: `with Flow("etl") as flow:` becomes an `@flow` function.

The block's body moves into `def etl(...)`, `Parameter`s become the function's arguments,
and every later use of the flow variable (also in other modules importing it) refers to
the function. Schedules go to a module-level `etl_schedules` list for serve/deploy.
"""

from __future__ import annotations

import ast

import libcst as cst

from headrace.migrate.dotted import matches
from headrace.migrate.names import dotted_name
from headrace.migrate.project import FlowDecl, ProjectInfo
from headrace.migrate.rule import PHASE_1X_STRUCTURE, Rule
from headrace.migrate.rules._util import (
    code,
    kwarg,
    make_arg,
    positional,
    quote,
    short,
    string_value,
)

PARAMETER_CLASSES = frozenset(
    {
        "prefect.Parameter",
        "prefect.core.Parameter",
        "prefect.core.parameter.Parameter",
        "prefect.core.tasks.Parameter",
    }
)
DATETIME_PARAMETER = "prefect.core.parameter.DateTimeParameter"
#: Flow(...) options kept on the decorator (later rules convert their values)
_DECORATOR_OPTIONS = {  # values converted by P107/P108/P114 in the same pass
    "executor": "task_runner",
    "result": "result",
    "persist_result": "persist_result",
    "result_storage": "result_storage",
    "on_failure": "on_failure",
    "on_completion": "on_completion",
}
_DEPLOYMENT_OPTIONS = ("storage", "run_config")
_FLOW_BODY_TRIGGERS = (
    "case(",
    "merge(",
    "upstream_tasks",
    "set_upstream",
    "set_downstream",
    ".run_config",
    ".storage",
)
_CONFIG_MODULES = ("prefect.storage.", "prefect.run_configs.")
_FLOW_ATTRIBUTES = ("executor", "storage", "run_config", "schedule", "result")


class FlowBlock(Rule):
    code = "P103"
    name = "with-flow-to-function"
    summary = "`with Flow(...) as flow:` block -> `@flow` function; Parameters -> arguments"
    phase = PHASE_1X_STRUCTURE
    triggers = ("Flow",)
    todo_notes = (
        "storage=/run_config= (deployment settings: work pool, job variables), options of "
        "custom Flow classes and Flow(...) options with no @flow equivalent (edges=, "
        "reference_tasks=, validate=); Parameters whose name is not an identifier."
    )

    @classmethod
    def applies(cls, source: str, project: ProjectInfo) -> bool:
        # also where flow-body rules (P112, P113) may fire: it tells them where flows are
        if "Flow" in source or any(t in source for t in _FLOW_BODY_TRIGGERS):
            return True
        if any(t in source for t in project.tokens - {"prefect"}):
            return True
        return any(decl.var in source for decl in project.flows.values())

    def visit_Module(self, node: cst.Module) -> None:
        self.decls = list(self.ctx.project.local_flows.get(self.ctx.path, []))
        self.binding: dict[str, str] = {}
        for decl in self.decls:
            self.binding.setdefault(decl.var, decl.function)
            self.ctx.flow_functions[decl.function] = decl
        self._imported_flows(node)
        self._scan_attribute_assignments(node)
        self.skip: set[int] = set()
        self.depth = 0
        self.flow_functions: list[bool] = []
        self.done: set[str] = set()  # flow functions already written
        # module-level `x = Parameter(...)` used inside flow blocks: they become arguments
        self.outer_uses, self.outer_names = _outer_parameters(self.ctx.source)
        self.outer_params: dict[str, tuple] = {}
        self.with_index: dict[int, int] = {}

    def _imported_flows(self, node: cst.Module) -> None:
        self.alias_renames: dict[int, str] = {}
        for stmt in node.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                    continue
                for alias in small.names:
                    local = (alias.asname.name if alias.asname else alias.name).value
                    full = self.ctx.imports.names.get(local)
                    decl = self._imported_decl(full)
                    if decl is None:
                        continue
                    self.ctx.flow_functions[decl.function] = decl
                    self.ctx.flow_modules[decl.function] = full.rpartition(".")[0]
                    self.alias_renames[id(alias)] = decl.function
                    if alias.asname is None:
                        self.binding[local] = decl.function
                    else:
                        self.ctx.flow_functions[local] = decl

    def _imported_decl(self, full: str | None) -> FlowDecl | None:
        if not full:
            return None
        parts = full.split(".")
        for i in range(len(parts) - 1):
            decl = self.ctx.project.flows.get(".".join(parts[i:]))
            if decl is not None and decl.path != self.ctx.path:
                return decl
        return None

    def _scan_attribute_assignments(self, node: cst.Module) -> None:
        """`flow.executor = X` etc. after a block: remembered per flow, then removed."""
        self.removed: dict[int, str] = {}  # statement id -> flow function it configures
        self.late: dict[str, dict[str, cst.BaseExpression]] = {}
        self.deferred: dict[str, tuple] = {}
        current: dict[str, str] = {}
        self.configured: dict[str, list[str]] = {}  # other flow objects' storage/run_config
        self.config_stmts: dict[int, str] = {}
        queue = list(self.decls)
        for stmt in node.body:
            if isinstance(stmt, cst.With) and queue:
                var = _with_var(stmt)
                if var == queue[0].var:
                    current[var] = queue.pop(0).function
            if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
                continue
            small = stmt.body[0]
            if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
                continue
            target = small.targets[0].target
            if (
                isinstance(target, cst.Attribute)
                and isinstance(target.value, cst.Name)
                and target.value.value in current
                and target.attr.value in _FLOW_ATTRIBUTES
            ):
                self.removed[id(stmt)] = current[target.value.value]
            elif (
                isinstance(target, cst.Attribute)
                and target.attr.value in _DEPLOYMENT_OPTIONS
                and isinstance(small.value, cst.Call)
                and (self.qualname(small.value.func) or "").startswith(_CONFIG_MODULES)
            ):  # a flow object not built here (`f = deepcopy(template)`): same settings
                var = code(target.value)
                self.configured.setdefault(var, []).append(
                    f"{target.attr.value}={short(small.value, 50)}"
                )
                self.config_stmts[id(stmt)] = var

    # -- keep names that are not references out of the renaming -------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        self.skip.add(id(node.name))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        for name in (node.name, node.asname.name if node.asname else None):
            if isinstance(name, cst.Name):
                self.skip.add(id(name))

    def leave_ImportAlias(self, original_node, updated_node):
        new = self.alias_renames.get(id(original_node))
        return updated_node.with_changes(name=cst.Name(new)) if new else updated_node

    def leave_Name(self, original_node, updated_node):
        if id(original_node) in self.skip:
            return updated_node
        new = self.binding.get(updated_node.value)
        return updated_node.with_changes(value=new) if new else updated_node

    def leave_SimpleStatementLine(self, original_node, updated_node):
        var = self.config_stmts.get(id(original_node))
        if var is not None:
            settings = self.configured.pop(var, None)
            if settings:  # one TODO per flow object, at the module's top
                self.todo(
                    f"{var}: {', '.join(settings)} moved to deployment: pass them to "
                    f"{var}.deploy(work_pool_name=..., job_variables=...) or .from_source(...)"
                )
            return cst.RemoveFromParent()
        func = self.removed.get(id(original_node))
        if func is None:
            return self._outer_parameter(updated_node)
        assign = updated_node.body[0]  # its value was converted by the other rules by now
        self.late.setdefault(func, {})[assign.targets[0].target.attr.value] = assign.value
        return cst.RemoveFromParent()

    def leave_Module(self, original_node, updated_node):
        """Flows configured after their block (`flow.executor = ...`) get their decorator
        now that those statements have been converted."""
        if not self.deferred:
            return updated_node
        body: list = []
        self.spaced: set[int] = set()
        for stmt in updated_node.body:
            deferred = (
                self.deferred.get(stmt.name.value) if isinstance(stmt, cst.FunctionDef) else None
            )
            if deferred is None:
                body.append(stmt)
                continue
            call, decl, callee = deferred
            options = self._flow_options(call, decl, callee, self.late.get(decl.function, {}))
            func = self._decorated(stmt, options)
            for note in options["todos"]:
                func = self.todo_at(func, note)
            body += [func, *self._schedules(decl, options)]
            self.spaced.add(len(body))  # the statement after it needs a blank line
        for index in sorted(self.spaced):
            lines = list(body[index].leading_lines) if index < len(body) else None
            if lines is not None and (not lines or lines[0].comment is not None):
                body[index] = body[index].with_changes(leading_lines=[cst.EmptyLine(), *lines])
        return updated_node.with_changes(body=body)

    def leave_ClassDef(self, original_node, updated_node):
        for base in updated_node.bases:
            qual = self.qualname(base.value) or _local(base.value, self.ctx.module)
            if matches(qual, self.ctx.project.flow_classes):
                self.todo(
                    f"{updated_node.name.value} extends the 1.x Flow class; flows are @flow "
                    "functions now: move what it adds into a decorator, hooks or tags"
                )
                break
        return updated_node

    # -- the block itself -----------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth += 1
        is_flow = any(_is_flow_decorator(d.decorator, self.qualname) for d in node.decorators)
        self.flow_functions.append(is_flow)
        self.ctx.flow_depth += is_flow

    def leave_FunctionDef(self, original_node, updated_node):
        self.depth -= 1
        self.ctx.flow_depth -= self.flow_functions.pop()
        return updated_node

    def _outer_parameter(self, stmt: cst.SimpleStatementLine):
        small = stmt.body[0] if self.depth == 0 and len(stmt.body) == 1 else None
        if not (
            isinstance(small, cst.Assign)
            and isinstance(small.targets[0].target, cst.Name)
            and small.targets[0].target.value in self.outer_names
            and not self._statements[:-1]  # module level
        ):
            return stmt
        converted = self._parameter(stmt)
        if converted is None:
            return stmt
        self.outer_params[small.targets[0].target.value] = converted
        return cst.RemoveFromParent()

    def visit_With(self, node: cst.With) -> None:
        if not self.depth and not self._statements[:-1]:
            self.with_index[id(node)] = len(self.with_index)
        decl = self._decl_for(node)
        if decl is not None:
            self.ctx.flow_depth += 1
            self.binding[decl.var] = decl.function
            self.skip.add(id(node.items[0].asname.name))

    def _decl_for(self, node: cst.With) -> FlowDecl | None:
        if self.depth or not self.decls:
            return None
        var = _with_var(node)
        for decl in self.decls:
            if decl.var == var and decl.function not in self.done:
                call = node.items[0].item
                callee = self.qualname(call.func) or _local(call.func, self.ctx.module)
                if matches(callee, self.ctx.project.flow_classes):
                    return decl
        return None

    def leave_With(self, original_node, updated_node):
        decl = self._decl_for(original_node)
        if decl is None:
            return updated_node
        self.ctx.flow_depth -= 1
        self.done.add(decl.function)
        call = updated_node.items[0].item
        callee = self.qualname(call.func) or ""
        if isinstance(call.func, cst.Name):
            self.ctx.obsolete_names.add(call.func.value)
        index = self.with_index.get(id(original_node), -1)
        uses = self.outer_uses[index] if 0 <= index < len(self.outer_uses) else set()
        outer = [self.outer_params[name] for name in sorted(uses) if name in self.outer_params]
        params, body = self._parameters(updated_node.body, outer)
        self.add_import("prefect", "flow")
        func = cst.FunctionDef(
            name=cst.Name(decl.function),
            params=cst.Parameters(params=params),
            body=body,
            leading_lines=updated_node.leading_lines,
        )
        if decl.function in self.removed.values():  # finished in leave_Module
            self.deferred[decl.function] = (call, decl, callee)
            return func.with_changes(decorators=[cst.Decorator(cst.Name("flow"))])
        options = self._flow_options(call, decl, callee, {})
        for note in options["todos"]:
            self.todo(note)
        schedules = self._schedules(decl, options)
        func = self._decorated(func, options)
        return cst.FlattenSentinel([func, *schedules]) if schedules else func

    def _decorated(self, func: cst.FunctionDef, options: dict) -> cst.FunctionDef:
        call = cst.Call(func=cst.Name("flow"), args=_commas(options["decorator"]))
        return func.with_changes(decorators=[cst.Decorator(decorator=call)])

    def _schedules(self, decl: FlowDecl, options: dict) -> list[cst.SimpleStatementLine]:
        if options["schedule"] is None:
            return []
        stmt = cst.parse_statement(f"{decl.schedules_var} = []\n")
        return [
            stmt.with_changes(
                body=[stmt.body[0].with_changes(value=options["schedule"])],
                leading_lines=[cst.EmptyLine()],
            )
        ]

    def _flow_options(self, call: cst.Call, decl: FlowDecl, callee: str, late: dict) -> dict:
        name_arg = positional(call, 0)
        given = kwarg(call, "name") or name_arg  # keep the expression as written
        name = given.value if given else cst.SimpleString(quote(decl.flow_name))
        decorator = [make_arg("name", name)]
        todos: list[str] = []
        schedule = None
        args = list(call.args)
        extra = dict(late)
        for arg in args:
            if arg is name_arg or (arg.keyword and arg.keyword.value == "name"):
                continue
            key = arg.keyword.value if arg.keyword else None
            if key is None:
                todos.append(f"positional Flow argument {short(arg.value)} dropped")
                continue
            extra.setdefault(key, arg.value)
        deployment, dropped = [], []
        for key, value in extra.items():
            if key == "schedule":
                schedule = value if self._is_clock_list(value) else cst.List([cst.Element(value)])
            elif key in _DECORATOR_OPTIONS and value.deep_equals(cst.Name("None")):
                continue  # LocalExecutor(): the default task runner
            elif key in _DECORATOR_OPTIONS:
                decorator.append(make_arg(_DECORATOR_OPTIONS[key], value))
            elif key in _DEPLOYMENT_OPTIONS:
                deployment.append(f"{key}={short(value, 50)}")
            else:
                dropped.append(f"{key}={short(value, 40)}")
        # one TODO per flow: the reviewer reads everything the block could not carry over
        notes = []
        if deployment:
            notes.append(
                f"{', '.join(deployment)} moved to deployment: pass it to "
                f"{decl.function}.deploy(work_pool_name=..., job_variables=...) or "
                f"{decl.function}.from_source(...)"
            )
        if dropped:
            notes.append(f"Flow options with no @flow equivalent dropped: {', '.join(dropped)}")
        if not matches(callee, frozenset({"prefect.Flow", "prefect.core.flow.Flow"})):
            notes.append(
                f"this flow was built with {code(call.func)}; its extra behaviour is not "
                "carried over to @flow"
            )
        if schedule is not None:
            notes.append(
                f"the schedule moved to {decl.schedules_var}: pass "
                f"schedules={decl.schedules_var} to {decl.function}.serve(...) or .deploy(...)"
            )
        if notes:
            todos.append("; ".join(notes))
        return {"decorator": decorator, "todos": todos, "schedule": schedule}

    def _is_clock_list(self, value: cst.BaseExpression) -> bool:
        if isinstance(value, cst.List):
            return True
        return isinstance(value, cst.Call) and self.qualname(value.func) in {
            "prefect.schedules.Schedule",
            "prefect.schedules.schedules.Schedule",
        }

    def _parameters(
        self, block: cst.BaseSuite, outer: list[tuple]
    ) -> tuple[list[cst.Param], cst.IndentedBlock]:
        """Parameters of the block, and those defined at module level that it uses."""
        if not isinstance(block, cst.IndentedBlock):
            block = cst.IndentedBlock(body=[cst.SimpleStatementLine(body=list(block.body))])
        required: list[cst.Param] = []
        optional: list[cst.Param] = []
        body: list[cst.BaseStatement] = []
        for param, alias in outer:
            (optional if param.default is not None else required).append(param)
            if alias is not None:
                body.append(alias.with_changes(leading_lines=()))
        for stmt in block.body:
            converted = self._parameter(stmt)
            if converted is None:
                body.append(stmt)
                continue
            param, alias = converted
            if param.name.value not in {p.name.value for p in required + optional}:
                (optional if param.default is not None else required).append(param)
            if alias is not None:  # the same Parameter twice is one argument
                body.append(alias)
        if not body:
            body = [cst.SimpleStatementLine(body=[cst.Pass()])]
        return _param_commas(required + optional), block.with_changes(body=body)

    def _parameter(self, stmt: cst.BaseStatement):
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
            return None
        small = stmt.body[0]
        if not (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and isinstance(small.value, cst.Call)
        ):
            return None
        call = small.value
        qual = self.qualname(call.func)
        if qual not in PARAMETER_CLASSES and qual != DATETIME_PARAMETER:
            return None
        name_arg = kwarg(call, "name") or positional(call, 0)
        pname = string_value(name_arg.value) if name_arg else None
        if pname is None or not pname.isidentifier():
            self.todo(f"Parameter {short(call)} must become an argument of the flow function")
            return None
        default_arg = kwarg(call, "default") or positional(call, 1)
        required_arg = kwarg(call, "required")
        if required_arg is not None:  # 1.x: required unless a default is given
            required = code(required_arg.value) == "True"
        else:
            required = default_arg is None
        default = None
        if not required:
            default = default_arg.value if default_arg is not None else cst.Name("None")
        if qual == DATETIME_PARAMETER:
            self.todo(f"DateTimeParameter {pname!r} is a plain argument now: parse it yourself")
        param = cst.Param(
            name=cst.Name(pname),
            default=default,
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
            if default is not None
            else cst.MaybeSentinel.DEFAULT,
        )
        var = small.targets[0].target.value
        alias = None
        if var != pname:
            alias = stmt.with_changes(body=[small.with_changes(value=cst.Name(pname))])
        return param, alias


def _outer_parameters(source: str) -> tuple[list[set[str]], set[str]]:
    """For each module-level `with` statement, the module-level Parameter variables its
    body reads; and all such variables."""
    if "Parameter" not in source:
        return [], set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [], set()
    params = {
        stmt.targets[0].id
        for stmt in tree.body
        if isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, ast.Call)
        and "Parameter" in ast.unparse(stmt.value.func)
    }
    uses = [
        {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id in params}
        for stmt in tree.body
        if isinstance(stmt, ast.With)
    ]
    return uses, set().union(*uses) if uses else set()


def _is_flow_decorator(node: cst.BaseExpression, qualname) -> bool:
    """`@flow` / `@flow(...)` / `@prefect.flow`: the function is a flow body already."""
    func = node.func if isinstance(node, cst.Call) else node
    return qualname(func) == "prefect.flow"


def _with_var(node: cst.With) -> str | None:
    if len(node.items) != 1:
        return None
    item = node.items[0]
    if item.asname is None or not isinstance(item.asname.name, cst.Name):
        return None
    if not isinstance(item.item, cst.Call):
        return None
    return item.asname.name.value


def _local(func: cst.BaseExpression, module: str | None) -> str | None:
    name = dotted_name(func)
    if name is None:
        return None
    return f"{module}.{name}" if module else name


def _commas(args: list[cst.Arg]) -> list[cst.Arg]:
    out = []
    for i, arg in enumerate(args):
        last = i == len(args) - 1
        out.append(
            arg.with_changes(
                comma=cst.MaybeSentinel.DEFAULT
                if last
                else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        )
    return out


def _param_commas(params: list[cst.Param]) -> list[cst.Param]:
    out = []
    for i, p in enumerate(params):
        last = i == len(params) - 1
        out.append(
            p.with_changes(
                comma=cst.MaybeSentinel.DEFAULT
                if last
                else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        )
    return out
