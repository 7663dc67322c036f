"""Prefect 1.x Snowflake tasks -> headrace_snowflake.

`q = SnowflakeQuery(account=..., user=..., password=..., database=..., warehouse=...)`
and its calls `q(query="select 1", data=(...))` become
`snowflake_query("select 1", SnowflakeConnector(credentials=SnowflakeCredentials(...),
database=..., warehouse=...), params=(...))`; `SnowflakeQueriesFromFile` calls become
`snowflake_queries_from_file(file_path, SnowflakeConnector(...))`. Settings given at
construction and at call time are merged, the call's winning, as 1.x did.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate import PHASE_1X_STRUCTURE, LibraryTaskRule, make_arg, with_args

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


class SnowflakeLegacy1x(LibraryTaskRule):
    code = "SNOW101"
    name = "snowflake-1x"
    summary = (
        "1.x `SnowflakeQuery` / `SnowflakeQueriesFromFile` calls -> `snowflake_query` / "
        "`snowflake_queries_from_file` with a SnowflakeConnector"
    )
    phase = PHASE_1X_STRUCTURE
    triggers = ("SnowflakeQuery", "SnowflakeQueriesFromFile")
    legacy_names = frozenset(QUERY | FROM_FILE)
    todo_notes = (
        "instances used other than by calling them; a connector lacking database= or "
        "warehouse= (required now); task options such as max_retries=."
    )

    def _kind(self, func: cst.BaseExpression) -> str | None:
        qual = self.qualname(func)
        return "query" if qual in QUERY else "file" if qual in FROM_FILE else None

    def leave_Call(self, original_node, updated_node):
        created = self.created_by(updated_node)
        if created is None:
            return updated_node
        return self._convert(self._kind(created.func), created, updated_node)

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
