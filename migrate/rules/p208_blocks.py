"""P208: `JSON`/`String`/`DateTime` blocks (removed in 3.5) -> Variables."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_2X, Rule
from headrace.migrate.rules._util import positional, string_value

_VALUE_BLOCKS = {
    "prefect.blocks.system.JSON",
    "prefect.blocks.system.String",
    "prefect.blocks.system.DateTime",
}


class ValueBlocks(Rule):
    code = "P208"
    name = "value-blocks"
    summary = '`JSON.load("x").value` / `String.load("x").value` -> `Variable.get("x")`'
    phase = PHASE_2X
    triggers = ("JSON", "String", "DateTime")
    todo_notes = "creating the variables on the server; uses of the block other than .load().value."

    def leave_Attribute(self, original_node, updated_node):
        load = updated_node.value
        if updated_node.attr.value != "value" or not isinstance(load, cst.Call):
            return updated_node
        if not (isinstance(load.func, cst.Attribute) and load.func.attr.value == "load"):
            return updated_node
        qual = self.qualname(load.func.value)
        if qual not in _VALUE_BLOCKS:
            return updated_node
        name_arg = positional(load, 0)
        name = string_value(name_arg.value) if name_arg else None
        if name is None:
            return updated_node
        kind = qual.rpartition(".")[2]
        self.add_import("prefect.variables", "Variable")
        self.todo(
            f'create a variable "{name}" with the value of the {kind} block "{name}" '
            "(JSON/String/DateTime blocks are gone)"
        )
        if kind == "DateTime":
            self.todo("the variable holds a string: parse it with datetime.fromisoformat(...)")
        return cst.Call(func=cst.parse_expression("Variable.get"), args=[cst.Arg(name_arg.value)])
