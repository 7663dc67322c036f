"""Prefect 2.x prefect-snowflake code -> headrace_snowflake.

Imports keep their names (the core renames the `prefect_snowflake` root). What changed
since 2.x: `snowflake_query_sync` is now `snowflake_query`, and `snowflake_query` /
`snowflake_multiquery` are synchronous, so an awaited call becomes a call of the
`_async` variant, as in Prefect 3's prefect-snowflake.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate import PHASE_2X, RenameImports

_ROOTS = ("prefect_snowflake", "prefect_snowflake.database")
_AWAITED = {
    f"{root}.{name}": f"{name}_async"
    for root in _ROOTS
    for name in ("snowflake_query", "snowflake_multiquery")
}


class SnowflakeImports2x(RenameImports):
    code = "SNOW201"
    name = "snowflake-2x"
    summary = (
        "`snowflake_query_sync` -> `snowflake_query`; `await snowflake_query(...)` -> "
        "`await snowflake_query_async(...)` (same for snowflake_multiquery)"
    )
    phase = PHASE_2X
    triggers = ("snowflake_query", "snowflake_multiquery")
    moves = {
        f"{root}.snowflake_query_sync": "prefect_snowflake.database.snowflake_query"
        for root in _ROOTS
    }
    todo_notes = "awaited SnowflakeConnector methods: they are synchronous now."

    def leave_Await(self, original_node, updated_node):
        call = updated_node.expression
        if not isinstance(call, cst.Call):
            return updated_node
        new = _AWAITED.get(self.qualname(call.func) or "")
        if new is None:
            return updated_node
        self.add_import("prefect_snowflake.database", new)
        return updated_node.with_changes(expression=call.with_changes(func=cst.Name(new)))
