"""Recognising 1.x `prefect.context` reads: `.get("k")`, `["k"]`, `.k`."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rules._util import string_value

CONTEXT = "prefect.context"
_NOT_KEYS = {
    "get",
    "update",
    "to_dict",
    "copy",
    "get_run_context",
    "FlowRunContext",
    "TaskRunContext",
    "tags",
    "setdefault",
    "items",
    "keys",
    "values",
    "pop",
}


def context_key(node: cst.BaseExpression, qualname) -> tuple[str, cst.BaseExpression | None] | None:
    """(key, default) when `node` reads a key of the 1.x context, else None."""
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
        and node.args
        and qualname(node.func.value) == CONTEXT
    ):
        key = string_value(node.args[0].value)
        default = node.args[1].value if len(node.args) > 1 else None
        return (key, default) if key else None
    if (
        isinstance(node, cst.Subscript)
        and len(node.slice) == 1
        and isinstance(node.slice[0].slice, cst.Index)
        and qualname(node.value) == CONTEXT
    ):
        key = string_value(node.slice[0].slice.value)
        return (key, None) if key else None
    if (
        isinstance(node, cst.Attribute)
        and node.attr.value not in _NOT_KEYS
        and qualname(node.value) == CONTEXT
        and qualname(node) not in _SUBMODULES
    ):
        return node.attr.value, None
    return None


_SUBMODULES = {"prefect.context.FlowRunContext", "prefect.context.TaskRunContext"}
