"""The first pass over a repository: what the per-file rules need to know about others.

Done with the stdlib `ast` (several times faster than libcst) on the files that passed the
pre-filter: subclasses of Flow (a project's own Flow wrappers), class-based tasks that
will become functions, and the `with Flow(...) as var:` blocks, so that a registration
script importing `flow` from `flows/etl.py` can be rewritten to the new function name.
"""

from __future__ import annotations

import ast
import json
import keyword
import re
from dataclasses import dataclass, field

from headrace.migrate.dotted import matches, normalise, suffixes

PREFECT_FLOW_CLASSES = frozenset({"prefect.Flow", "prefect.core.Flow", "prefect.core.flow.Flow"})
PREFECT_TASK_CLASSES = frozenset({"prefect.Task", "prefect.core.Task", "prefect.core.task.Task"})
#: 1.x calls that only mean something while a Flow is being built (a Parameter outside a
#: Flow context is an error in 1.x)
_GRAPH_BUILDERS = frozenset({"prefect.Parameter", "prefect.DateTimeParameter"})
_RESERVED = {"flow", "task", "prefect", "headrace", "main"}


@dataclass(frozen=True)
class FlowDecl:
    """One `with Flow(...) as var:` block and the function it becomes."""

    var: str
    function: str
    flow_name: str
    path: str
    has_schedule: bool = False
    #: from 1.x GitHub storage: the repository URL and the flow file inside it
    source: str | None = None
    source_path: str | None = None
    #: from a 1.x run config: `job_variables` for deploy(), as Python source
    job_variables: str | None = None

    @property
    def schedules_var(self) -> str:
        return f"{self.function}_schedules"


@dataclass
class ProjectInfo:
    """Cross-file facts, picklable so that worker processes get a copy."""

    flow_classes: set[str] = field(default_factory=lambda: set(PREFECT_FLOW_CLASSES))
    task_classes: set[str] = field(default_factory=set)
    #: flows by "module.var" suffixes, for imports of a flow object from another module
    flows: dict[str, FlowDecl] = field(default_factory=dict)
    #: flows by file path, in source order
    local_flows: dict[str, list[FlowDecl]] = field(default_factory=dict)
    #: extra substrings that make a file worth parsing (from --flow-class)
    tokens: set[str] = field(default_factory=lambda: {"prefect"})
    #: "etl import" for modules defining flows or class-based tasks: files importing from
    #: them need migrating even when they never mention prefect
    importer_tokens: set[str] = field(default_factory=set)

    def add_flow_class(self, dotted: str) -> None:
        """Treat `dotted` (e.g. `pipelines.utils.decorators.Flow`) like prefect.Flow."""
        self.flow_classes.update(suffixes(dotted))
        module = dotted.rpartition(".")[0]
        if module:
            self.tokens.add(module.rpartition(".")[2])

    def mentions(self, text: str) -> bool:
        """The cheap pre-filter: does this text name anything the rules care about?"""
        return any(token in text for token in self.tokens)


@dataclass
class _FileFacts:
    path: str
    module: str
    imports: dict[str, str]
    classes: list[tuple[str, list[str], bool]]  # name, base dotted names, convertible task
    withs: list[tuple]  # callee, var, flow name, has schedule, deployment hints, 1.x graph
    top_names: set[str]
    #: module-level `Flow = CustomFlow` aliases: local name -> dotted name it stands for
    aliases: dict[str, str] = field(default_factory=dict)


def flow_function_name(flow_name: str | None, var: str, taken: set[str]) -> str:
    """A function name for a converted flow: snake_case of its name, never a clash."""
    base = re.sub(r"[^0-9A-Za-z]+", "_", (flow_name or "").strip()).strip("_").lower()
    if not base:
        base = var if var not in _RESERVED else "main_flow"
    if base[0].isdigit():
        base = f"flow_{base}"
    if keyword.iskeyword(base) or base in _RESERVED:
        base = f"{base}_flow"
    name, n = base, 2
    while name in taken and name != var:
        name, n = f"{base}_{n}", n + 1
    return name


def scan(files: list[tuple[str, str, str]], flow_classes: list[str] = ()) -> ProjectInfo:
    """Build ProjectInfo from (display path, module name, source text) triples."""
    info = ProjectInfo()
    for dotted in flow_classes:
        info.add_flow_class(dotted)
    facts = [f for f in (_facts(path, module, text) for path, module, text in files) if f]
    _find_subclasses(facts, info)
    for f in facts:
        for callee, *_, graph in f.withs:
            if graph and callee.rpartition(".")[2].endswith("Flow"):
                # a Flow class from a package outside the tree (a company's wrapper
                # library) whose block builds a 1.x graph: Parameter/case only work there
                info.add_flow_class(callee)
    for f in facts:
        taken = set(f.top_names)
        decls = []
        for callee, var, flow_name, has_schedule, hints, _ in f.withs:
            if not matches(callee, info.flow_classes):
                continue
            func = flow_function_name(flow_name, var, taken)
            taken.add(func)
            decl = FlowDecl(var, func, flow_name or func, f.path, has_schedule, **hints)
            decls.append(decl)
            for key in suffixes(f"{f.module}.{var}") if f.module else []:
                info.flows.setdefault(key, decl)
        if decls:
            info.local_flows[f.path] = decls
            _importer_token(info, f.module)
    return info


def _importer_token(info: ProjectInfo, module: str) -> None:
    if module:
        info.importer_tokens.add(f"{module.rpartition('.')[2]} import")


def _find_subclasses(facts: list[_FileFacts], info: ProjectInfo) -> None:
    changed = True
    while changed:  # subclasses of subclasses, aliases and re-exports, across files
        changed = False
        for f in facts:
            if f.module:  # `Flow = CustomFlow`, `from prefect import Flow` re-exported
                for local, full in [*f.aliases.items(), *f.imports.items()]:
                    dotted = f"{f.module}.{local}"
                    if matches(full, info.flow_classes) and not matches(dotted, info.flow_classes):
                        info.add_flow_class(dotted)
                        _importer_token(info, f.module)
                        changed = True
            for name, bases, convertible in f.classes:
                dotted = f"{f.module}.{name}" if f.module else name
                is_flow = any(matches(b, info.flow_classes) for b in bases)
                if is_flow and "." in dotted and not matches(dotted, info.flow_classes):
                    info.add_flow_class(dotted)
                    _importer_token(info, f.module)
                    changed = True
                if convertible and any(matches(b, PREFECT_TASK_CLASSES) for b in bases):
                    info.task_classes.update(suffixes(dotted) if "." in dotted else [dotted])
                    _importer_token(info, f.module)


def _facts(path: str, module: str, text: str) -> _FileFacts | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # the worker reports it
        return None
    package = module.rpartition(".")[0]
    imports: dict[str, str] = {}
    top: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                local = a.asname or a.name.split(".")[0]
                imports[local] = normalise(a.name if a.asname else local)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join([*parts, base] if base else parts)
            for a in node.names:
                imports[a.asname or a.name] = f"{normalise(base)}.{a.name}"

    def resolve(expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Name):
            return imports.get(expr.id, f"{module}.{expr.id}" if module else expr.id)
        if isinstance(expr, ast.Attribute):
            head = resolve(expr.value)
            return f"{head}.{expr.attr}" if head else None
        return None

    classes, withs = [], []
    aliases: dict[str, str] = {}
    assigned: dict[str, dict[str, ast.expr]] = {}  # `flow.schedule = ...` after the block
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Attribute)
            and isinstance(stmt.targets[0].value, ast.Name)
        ):
            target = stmt.targets[0]
            assigned.setdefault(target.value.id, {})[target.attr] = stmt.value
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            top.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            top.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
            if isinstance(stmt.value, (ast.Name, ast.Attribute)):
                full = resolve(stmt.value)
                for t in stmt.targets:
                    if isinstance(t, ast.Name) and full:
                        aliases[t.id] = full
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            top.update(a.asname or a.name.split(".")[0] for a in stmt.names)
        if isinstance(stmt, ast.ClassDef):
            bases = [b for b in (resolve(x) for x in stmt.bases) if b]
            classes.append((stmt.name, bases, convertible_task_class(stmt)))
        elif isinstance(stmt, ast.With) and len(stmt.items) == 1:
            item = stmt.items[0]
            call = item.context_expr
            if isinstance(call, ast.Call) and isinstance(item.optional_vars, ast.Name):
                callee = resolve(call.func)
                name = _literal_name(call)
                var = item.optional_vars.id
                options = {k.arg: k.value for k in call.keywords if k.arg}
                graph = any(
                    isinstance(n, ast.Call) and resolve(n.func) in _GRAPH_BUILDERS
                    for n in ast.walk(stmt)
                )
                withs.append((callee or "", var, name, options, graph))
    facts = []
    for callee, var, name, options, graph in withs:
        options = {**options, **assigned.get(var, {})}
        hints = _deployment_hints(options, resolve)
        facts.append((callee, var, name, "schedule" in options, hints, graph))
    return _FileFacts(path, module, imports, classes, facts, top, aliases)


_RUN_CONFIG_KEYS = {
    "image": "image",
    "env": "env",
    "cpu_request": "cpu_request",
    "memory_request": "memory_request",
    "cpu": "cpu",
    "memory": "memory",
}


def _deployment_hints(options: dict[str, ast.expr], resolve) -> dict:
    """What deploy() can take over from 1.x GitHub storage and run configs (literals only)."""
    hints: dict = {}
    storage = options.get("storage")
    if isinstance(storage, ast.Call) and (resolve(storage.func) or "").startswith(
        "prefect.storage"
    ):
        kind = (resolve(storage.func) or "").rpartition(".")[2]
        args = {k.arg: k.value for k in storage.keywords if k.arg}
        repo, path = args.get("repo"), args.get("path")
        if kind == "GitHub" and _is_str(repo) and _is_str(path):
            hints["source"] = f"https://github.com/{repo.value}.git"
            hints["source_path"] = path.value
    run_config = options.get("run_config")
    if isinstance(run_config, ast.Call) and (resolve(run_config.func) or "").startswith(
        "prefect.run_configs"
    ):
        pairs = [
            f'"{_RUN_CONFIG_KEYS[k.arg]}": {_source(k.value)}'
            for k in run_config.keywords
            if k.arg in _RUN_CONFIG_KEYS
        ]
        if pairs:
            hints["job_variables"] = "{" + ", ".join(pairs) + "}"
    return hints


def _source(node: ast.expr) -> str:
    return json.dumps(node.value) if _is_str(node) else ast.unparse(node)


def _is_str(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _literal_name(call: ast.Call) -> str | None:
    arg = call.args[0] if call.args else None
    for kw in call.keywords:
        if kw.arg == "name":
            arg = kw.value
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    return None


def convertible_task_class(node: ast.ClassDef) -> bool:
    """Only a docstring and a `run` method that never uses `self`: safe to make a function."""
    if node.decorator_list or node.keywords or len(node.bases) != 1:
        return False
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    run = body[0]
    if run.name != "run" or run.decorator_list or not run.args.args:
        return False
    self_name = run.args.args[0].arg
    return not any(isinstance(n, ast.Name) and n.id == self_name for n in ast.walk(run))
