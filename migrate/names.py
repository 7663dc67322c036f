"""Light import tracking: which dotted name does a local name stand for.

The codemod resolves names from the module's own import statements instead of libcst's
qualified-name metadata, which costs about ten times the parse (see DESIGN.md).
`headrace` roots are read as `prefect`, so rules match code already partly migrated.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate.dotted import normalise


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def module_of(node: cst.ImportFrom, package: str | None) -> str:
    """The absolute module an ImportFrom reads from (relative ones against `package`)."""
    name = dotted_name(node.module) if node.module else ""
    level = len(node.relative)
    if not level:
        return name or ""
    parts = (package or "").split(".") if package else []
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, name] if name else parts)


class ImportMap:
    """Local name -> dotted name, from the module-level imports of one module."""

    def __init__(self, module: cst.Module, package: str | None = None) -> None:
        self.names: dict[str, str] = {}
        for stmt in _top_level_statements(module.body):
            for small in stmt.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        full = dotted_name(alias.name) or ""
                        if alias.asname:
                            self.names[alias.asname.name.value] = normalise(full)
                        else:
                            top = full.split(".")[0]
                            self.names[top] = normalise(top)
                elif isinstance(small, cst.ImportFrom) and not isinstance(
                    small.names, cst.ImportStar
                ):
                    mod = normalise(module_of(small, package))
                    for alias in small.names:
                        local = (alias.asname.name if alias.asname else alias.name).value
                        self.names[local] = f"{mod}.{alias.name.value}"

    def resolve(self, node: cst.BaseExpression) -> str | None:
        """Dotted name of an expression, or None when its root is not imported."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        base = self.names.get(head)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base


def _top_level_statements(body) -> list[cst.SimpleStatementLine]:
    """Simple statements at module level, also inside top-level `if` and `try` blocks."""
    found: list[cst.SimpleStatementLine] = []
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            found.append(stmt)
        elif isinstance(stmt, (cst.If, cst.Try)):
            blocks = [stmt.body]
            if isinstance(stmt, cst.If) and stmt.orelse is not None:
                blocks.append(stmt.orelse.body)
            if isinstance(stmt, cst.Try):
                blocks += [h.body for h in stmt.handlers]
            for block in blocks:
                if isinstance(block, cst.IndentedBlock):
                    found += _top_level_statements(block.body)
    return found
