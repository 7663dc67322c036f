"""SNOW101: Prefect 1.x Snowflake tasks -> headrace_snowflake.

`q = SnowflakeQuery(account=..., user=..., password=..., database=..., warehouse=...)`
and its calls `q(query="select 1", data=(...))` become
`snowflake_query("select 1", SnowflakeConnector(credentials=SnowflakeCredentials(...),
database=..., warehouse=...), params=(...))`; `SnowflakeQueriesFromFile` calls become
`snowflake_queries_from_file(file_path, SnowflakeConnector(...))`. Settings given at
construction and at call time are merged, the call's winning, as 1.x did.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.names import dotted_name, normalise
from headrace.migrate.rule import PHASE_1X_STRUCTURE, Rule
from headrace.migrate.rules._util import make_arg, with_args

_MODULES = ("prefect.tasks.snowflake", "prefect.tasks.snowflake.snowflake")
QUERY = {f"{m}.SnowflakeQuery" for m in _MODULES}
FROM_FILE = {f"{m}.SnowflakeQueriesFromFile" for m in _MODULES}

#: 1.x positional order of each class's constructor and of its run()
_CONNECTION = ("account", "user", "password", "private_key", "database", "schema", "role",
               "warehouse")  # fmt: skip
_TAIL = ("autocommit", "cursor_type", "authenticator", "token")
_INIT_ORDER = {"query": (*_CONNECTION, "query", "data", *_TAIL),
               "file": (*_CONNECTION, "file_path", *_TAIL)}  # fmt: skip
_RUN_ORDER = {"query": ("query", "data", "autocommit"), "file": ("file_path", "autocommit")}
_CREDENTIALS = ("account", "user", "password", "private_key", "role", "authenticator", "token",
                "autocommit")  # fmt: skip
_CONNECTOR = ("database", "warehouse", "schema")


class SnowflakeLegacy1x(Rule):
    code = "SNOW101"
    name = "snowflake-1x"
    summary = (
        "1.x `SnowflakeQuery` / `SnowflakeQueriesFromFile` calls -> `snowflake_query` / "
        "`snowflake_queries_from_file` with a SnowflakeConnector"
    )
    phase = PHASE_1X_STRUCTURE
    triggers = ("SnowflakeQuery", "SnowflakeQueriesFromFile")
    todo_notes = (
        "instances used other than by calling them; a connector lacking database= or "
        "warehouse= (required now); task options such as max_retries=."
    )

    def visit_Module(self, node: cst.Module) -> None:
        collector = _Instances(self._kind)
        node.visit(collector)
        self.instances = collector.convertible()
        imported = self.ctx.imports.names if self.ctx.imports else {}
        local = [name for name, full in imported.items() if full in QUERY | FROM_FILE]
        uses = sum(collector.uses.get(name, 0) for name in local)
        self.drop_import = uses == len(self.instances) + collector.inline

    def _kind(self, func: cst.BaseExpression) -> str | None:
        qual = self.qualname(func)
        return "query" if qual in QUERY else "file" if qual in FROM_FILE else None

    def leave_ImportFrom(self, original_node, updated_node):
        if (
            not self.drop_import
            or updated_node.relative
            or updated_node.module is None
            or isinstance(updated_node.names, cst.ImportStar)
        ):
            return updated_node
        module = normalise(dotted_name(updated_node.module) or "")
        legacy = QUERY | FROM_FILE
        kept = [a for a in updated_node.names if f"{module}.{a.name.value}" not in legacy]
        if len(kept) == len(updated_node.names):
            return updated_node
        if not kept:
            return cst.RemoveFromParent()
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)

    def _is_instance(self, stmt: cst.CSTNode) -> bool:
        small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) else None
        return (
            isinstance(small, cst.Assign)
            and isinstance(small.targets[0].target, cst.Name)
            and small.targets[0].target.value in self.instances
        )

    def leave_SimpleStatementLine(self, original_node, updated_node):
        nested = len(self._statements) > 1  # module-level ones go in leave_Module
        return (
            cst.RemoveFromParent() if nested and self._is_instance(updated_node) else updated_node
        )

    def leave_Module(self, original_node, updated_node):
        """Drop the instances; the next statement keeps their blank lines."""
        body, carried = [], []
        for stmt in updated_node.body:
            if self._is_instance(stmt):
                carried = list(stmt.leading_lines)
                continue
            if carried:
                lines = [*carried, *stmt.leading_lines]
                blank = [line for line in lines if line.comment is None]
                lines = blank[:2] + [line for line in lines if line.comment is not None]
                stmt = stmt.with_changes(leading_lines=lines)
                carried = []
            body.append(stmt)
        return updated_node.with_changes(body=body)

    def leave_Call(self, original_node, updated_node):
        func = updated_node.func
        if isinstance(func, cst.Name) and func.value in self.instances:
            created = self.instances[func.value]
            return self._convert(self._kind(created.func), created, updated_node)
        if isinstance(func, cst.Call) and self._kind(func.func):
            return self._convert(self._kind(func.func), func, updated_node)
        return updated_node

    def _convert(self, kind: str, created: cst.Call, called: cst.Call) -> cst.Call:
        options = _named(created, _INIT_ORDER[kind])
        options.update(_named(called, _RUN_ORDER[kind]))
        credentials = [make_arg(k, options.pop(k)) for k in _CREDENTIALS if k in options]
        connector = [make_arg("credentials", _call("SnowflakeCredentials", credentials))]
        connector += [make_arg(k, options.pop(k)) for k in _CONNECTOR if k in options]
        missing = [
            k for k in ("database", "warehouse") if k not in options and not _has(connector, k)
        ]
        if missing:
            self.todo(f"SnowflakeConnector needs {' and '.join(m + '=' for m in missing)}")
        block = _call("SnowflakeConnector", connector)
        if kind == "query":
            args = [make_arg(None, options.pop("query", cst.Name("None"))), make_arg(None, block)]
            if "data" in options:
                args.append(make_arg("params", options.pop("data")))
            name = "snowflake_query"
        else:
            args = [
                make_arg(None, options.pop("file_path", cst.Name("None"))),
                make_arg(None, block),
            ]
            name = "snowflake_queries_from_file"
        if "cursor_type" in options:
            args.append(make_arg("cursor_type", options.pop("cursor_type")))
        if options:
            self.todo(f"{', '.join(sorted(options))} dropped: set them with .with_options(...)")
        for imported in ("SnowflakeCredentials", "SnowflakeConnector", name):
            self.add_import("prefect_snowflake", imported)
        return _call(name, args)


def _call(name: str, args: list[cst.Arg]) -> cst.Call:
    return with_args(cst.Call(func=cst.Name(name)), args)


def _has(args: list[cst.Arg], name: str) -> bool:
    return any(a.keyword is not None and a.keyword.value == name for a in args)


def _named(call: cst.Call, order: tuple[str, ...]) -> dict[str, cst.BaseExpression]:
    found: dict[str, cst.BaseExpression] = {}
    names = iter(order)
    for arg in call.args:
        if arg.keyword is not None:
            found[arg.keyword.value] = arg.value
        elif not arg.star:
            found[next(names, "*args")] = arg.value
    return found


class _Instances(cst.CSTVisitor):
    """`name = SnowflakeQuery(...)` assignments and inline `SnowflakeQuery(...)(...)` calls."""

    def __init__(self, kind) -> None:
        self.kind = kind
        self.assigned: dict[str, cst.Call] = {}
        self.reassigned: set[str] = set()
        self.uses: dict[str, int] = {}
        self.calls: dict[str, int] = {}
        self.inline = 0
        self._targets: set[int] = set()

    def convertible(self) -> dict[str, cst.Call]:
        """Instances whose every use is a call of the name."""
        return {
            name: call
            for name, call in self.assigned.items()
            if self.uses.get(name, 0) == self.calls.get(name, 0) and name not in self.reassigned
        }

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._targets.add(id(target.target))
                name = target.target.value
                if isinstance(node.value, cst.Call) and self.kind(node.value.func):
                    if name in self.assigned:
                        self.reassigned.add(name)
                    self.assigned[name] = node.value
                else:
                    self.reassigned.add(name)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._targets:
            self.uses[node.value] = self.uses.get(node.value, 0) + 1

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Call) and self.kind(node.func.func):
            self.inline += 1
        if isinstance(node.func, cst.Name):
            self.calls[node.func.value] = self.calls.get(node.func.value, 0) + 1

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `a.b`: only the root is a use of a name
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # a keyword is not a use of a name
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False
