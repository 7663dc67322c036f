"""A base for rules that move imported names: `from old import A` -> `from new import B`,
with every use of the local name renamed."""

from __future__ import annotations

import libcst as cst

from headrace.migrate.dotted import normalise
from headrace.migrate.imports import keep_import_names
from headrace.migrate.names import dotted_name
from headrace.migrate.rule import Rule


class RenameImports(Rule):
    """Subclasses fill `moves`: old dotted name -> new dotted name (module.Name)."""

    moves: dict[str, str] = {}

    def visit_Module(self, node: cst.Module) -> None:
        self.renames: dict[str, str] = {}
        for local, full in (self.ctx.imports.names if self.ctx.imports else {}).items():
            new = self.new_name(full)
            if new:
                module, _, name = new.rpartition(".")
                self.add_import(module, name)
                self.renames[local] = name
        self.skip: set[int] = set()
        self.in_import = 0

    def new_name(self, full: str) -> str | None:
        return self.moves.get(full)

    def visit_ImportFrom(self, node) -> None:
        self.in_import += 1

    def leave_ImportFrom(self, original_node, updated_node):
        self.in_import -= 1
        if updated_node.relative or isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        module = self.qualname_of_module(updated_node)
        return keep_import_names(
            updated_node, lambda a: not self.new_name(f"{module}.{a.name.value}")
        )

    def qualname_of_module(self, node: cst.ImportFrom) -> str:

        return normalise(dotted_name(node.module) or "")

    def leave_SimpleStatementLine(self, original_node, updated_node):
        return updated_node if updated_node.body else cst.RemoveFromParent()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def leave_Name(self, original_node, updated_node):
        if self.in_import or id(original_node) in self.skip:
            return updated_node
        new = self.renames.get(updated_node.value)
        return updated_node.with_changes(value=new) if new else updated_node

    def leave_Attribute(self, original_node, updated_node):
        qual = self.qualname(updated_node)
        new = self.new_name(qual) if qual and not self.in_import else None
        if not new:
            return updated_node
        module, _, name = new.rpartition(".")
        self.add_import(module, name)
        return cst.Name(name)
