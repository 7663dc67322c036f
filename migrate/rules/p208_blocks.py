"""`JSON`/`String`/`DateTime` blocks (removed in Prefect 3.5) -> Variables.

Both halves move, so a program that saves a value and loads it again behaves the same:
`JSON(value=v).save("x", overwrite=True)` (also `b = JSON(value=v)` then `b.save("x")`)
becomes `Variable.set("x", v, overwrite=True)`, and `JSON.load("x").value` becomes
`Variable.get("x")`. A load of a name the file never saves gets a TODO to create the
variable (`headrace migrate blocks-to-variables` moves documents already in a store).
A DateTime is kept as its ISO text: the variable holds a string.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.rule import PHASE_2X, Rule
from headrace.migrate.rules._util import kwarg, make_arg, positional, string_value, with_args

_VALUE_BLOCKS = {
    "prefect.blocks.system.JSON",
    "prefect.blocks.system.String",
    "prefect.blocks.system.DateTime",
}


class ValueBlocks(Rule):
    code = "P208"
    name = "value-blocks"
    summary = (
        '`JSON(value=v).save("x")` -> `Variable.set("x", v)`; `JSON.load("x").value` / '
        '`String.load("x").value` -> `Variable.get("x")`'
    )
    phase = PHASE_2X
    triggers = ("JSON", "String", "DateTime")
    todo_notes = (
        "creating variables for blocks the code loads but never saves (see "
        "`headrace migrate blocks-to-variables`); other uses of the blocks."
    )

    def visit_Module(self, node: cst.Module) -> None:
        saves = _Saves(self)
        node.visit(saves)
        #: block instances assigned once and only saved: `b = JSON(value=v)`; `b.save("x")`
        self.instances = {
            name: call
            for name, call in saves.assigned.items()
            if saves.uses.get(name) == 1 and name in saves.saved_by
        }
        self.saved = saves.names

    def block_kind(self, call: cst.BaseExpression) -> str | None:
        """ "JSON"/"String"/"DateTime" for `JSON(value=...)` (only the value given)."""
        if not (isinstance(call, cst.Call) and len(call.args) == 1):
            return None
        if kwarg(call, "value") is None:
            return None
        qual = self.qualname(call.func)
        return qual.rpartition(".")[2] if qual in _VALUE_BLOCKS else None

    def created(self, target: cst.BaseExpression) -> cst.Call | None:
        """The `JSON(value=...)` call a `.save` is made on, directly or through a name."""
        if isinstance(target, cst.Name) and target.value in self.instances:
            return self.instances[target.value]
        return target if self.block_kind(target) else None

    def leave_Expr(self, original_node, updated_node):
        call = updated_node.value
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "save"
        ):
            return updated_node
        block = self.created(call.func.value)
        if block is None:
            return updated_node
        setter = self._variable_set(block, call)
        return updated_node if setter is None else updated_node.with_changes(value=setter)

    def _variable_set(self, block: cst.Call, save: cst.Call) -> cst.Call | None:
        name = kwarg(save, "name") or positional(save, 0)
        if name is None:
            return None
        value = kwarg(block, "value").value
        if self.block_kind(block) == "DateTime":
            if not isinstance(value, cst.Call):
                self.todo("a DateTime block saved from a string: Variable.set(...) its ISO text")
                return None
            value = cst.Call(func=cst.Attribute(value=value, attr=cst.Name("isoformat")))
        args = [make_arg(None, name.value), make_arg(None, value)]
        overwrite = kwarg(save, "overwrite")
        if overwrite is not None:
            args.append(make_arg("overwrite", overwrite.value))
        self.add_import("prefect.variables", "Variable")
        return with_args(cst.Call(func=cst.parse_expression("Variable.set")), args)

    def leave_SimpleStatementLine(self, original_node, updated_node):
        """`b = JSON(value=v)` goes once its `b.save(...)` became `Variable.set`."""
        if len(updated_node.body) == 1:
            small = updated_node.body[0]
            if (
                isinstance(small, cst.Assign)
                and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
                and small.targets[0].target.value in self.instances
            ):
                return cst.RemoveFromParent()
        return updated_node

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
        if name not in self.saved:
            self.todo(
                f'create a variable "{name}" with the value of the {kind} block "{name}" '
                "(JSON/String/DateTime blocks are gone)"
            )
        if kind == "DateTime":
            self.todo("the variable holds a string: parse it with datetime.fromisoformat(...)")
        return cst.Call(func=cst.parse_expression("Variable.get"), args=[cst.Arg(name_arg.value)])


class _Saves(cst.CSTVisitor):
    """Which value blocks the module saves, under which literal names."""

    def __init__(self, rule: ValueBlocks) -> None:
        self.rule = rule
        self.assigned: dict[str, cst.Call] = {}
        self.uses: dict[str, int] = {}
        self.saved_by: set[str] = set()
        self.names: set[str] = set()
        self._targets: set[int] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            target = node.targets[0].target
            self._targets.add(id(target))
            if self.rule.block_kind(node.value) and target.value not in self.assigned:
                self.assigned[target.value] = node.value
            else:
                self.assigned.pop(target.value, None)
                self.uses[target.value] = 2  # rebound: leave it alone

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._targets:
            self.uses[node.value] = self.uses.get(node.value, 0) + 1

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "save"):
            return
        owner = func.value
        if isinstance(owner, cst.Name) and owner.value in self.assigned:
            self.saved_by.add(owner.value)
        elif not self.rule.block_kind(owner):
            return
        name = kwarg(node, "name") or positional(node, 0)
        literal = string_value(name.value) if name else None
        if literal is not None:
            self.names.add(literal)
