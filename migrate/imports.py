"""Import edits done between phases: add what rules asked for, drop what they made unused,
and move the import root to the target (`headrace` or `prefect`)."""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from collections.abc import Callable

import libcst as cst

from headrace.migrate.names import dotted_name
from headrace.migrate.rule import TODO_PREFIX
from headrace.migrate.targets import has_counterpart


def keep_import_names(
    node: cst.ImportFrom, keep: Callable[[cst.ImportAlias], bool]
) -> cst.ImportFrom | cst.RemovalSentinel:
    """`from m import a, b` with only the names `keep` accepts: the node itself when all
    stay, removed when none do (a star import is left alone)."""
    if isinstance(node.names, cst.ImportStar):
        return node
    kept = [alias for alias in node.names if keep(alias)]
    if len(kept) == len(node.names):
        return node
    if not kept:
        return cst.RemoveFromParent()
    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(names=kept)


_ROOTS = ("prefect", "headrace")


def _is_ours(module: str) -> bool:
    root = module.split(".")[0]
    return root in _ROOTS or root.startswith(("prefect_", "headrace_"))


def retarget(dotted: str, target: str) -> str:
    """`prefect.x` -> `headrace.x` (and `prefect_aws` -> `headrace_aws`) for the target."""
    if target == "prefect":
        return dotted
    if dotted == "prefect" or dotted.startswith("prefect."):
        return "headrace" + dotted[len("prefect") :]
    if dotted.startswith("prefect_") and has_counterpart(dotted.split(".")[0]):
        return "headrace_" + dotted[len("prefect_") :]
    return dotted


def add_imports(module: cst.Module, wanted: list[tuple[str, str]]) -> cst.Module:
    """Add `from m import n` for each pair, merging into an existing top-level import of m."""
    body = list(module.body)
    for mod, name in wanted:
        if name == "" and _has_plain_import(body, mod):
            continue
        if name:
            body = _unbind_legacy(body, mod, name)
        if name and _merge_into_existing(body, mod, name):
            continue
        stmt = cst.parse_statement(f"import {mod}\n" if not name else f"from {mod} import {name}\n")
        body.insert(_insert_position(body), stmt)
    return module.with_changes(body=body)


def _unbind_legacy(body: list, mod: str, name: str) -> list:
    """Drop `name` from other prefect imports: the new import replaces that binding."""
    out = []
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
            small = stmt.body[0]
            if (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and small.module is not None
                and not isinstance(small.names, cst.ImportStar)
                and dotted_name(small.module) != mod
                and _is_ours(dotted_name(small.module) or "")
            ):
                kept = [
                    a for a in small.names if (a.asname.name if a.asname else a.name).value != name
                ]
                if not kept:
                    continue
                if len(kept) != len(small.names):
                    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    stmt = stmt.with_changes(body=[small.with_changes(names=kept)])
        out.append(stmt)
    return out


def _has_plain_import(body, mod: str) -> bool:
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import) and any(
                    dotted_name(a.name) == mod and not a.asname for a in small.names
                ):
                    return True
    return False


def _merge_into_existing(body: list, mod: str, name: str) -> bool:
    for i, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for j, small in enumerate(stmt.body):
            if not (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and small.module is not None
                and dotted_name(small.module) == mod
                and not isinstance(small.names, cst.ImportStar)
            ):
                continue
            names = list(small.names)
            if any(a.name.value == name and not a.asname for a in names):
                return True
            trailing = isinstance(names[-1].comma, cst.Comma)
            if trailing:
                new_alias = cst.ImportAlias(name=cst.Name(name), comma=names[-1].comma)
            else:
                names[-1] = names[-1].with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
                new_alias = cst.ImportAlias(name=cst.Name(name))
            new = small.with_changes(names=[*names, new_alias])
            parts = list(stmt.body)
            parts[j] = new
            body[i] = stmt.with_changes(body=parts)
            return True
    return False


def _insert_position(body: list) -> int:
    """After the docstring, `__future__` imports and the other leading imports."""
    pos = 0
    for i, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            break
        first = stmt.body[0]
        is_doc = (
            i == 0
            and isinstance(first, cst.Expr)
            and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString))
        )
        if is_doc or isinstance(first, (cst.Import, cst.ImportFrom)):
            pos = i + 1
        else:
            break
    return pos


def name_counts(code: str) -> Counter:
    """How often each identifier occurs as a token (strings and comments excluded)."""
    counts: Counter = Counter()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.NAME:
                counts[tok.string] += 1
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return counts


class _DropUnused(cst.CSTTransformer):
    """Remove names imported from prefect/headrace that nothing uses any more."""

    def __init__(self, uses: Counter, obsolete: set[str]) -> None:
        super().__init__()
        self.uses = uses
        self.obsolete = obsolete

    def leave_ImportFrom(self, original_node, updated_node):
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        ours = (
            not updated_node.relative
            and updated_node.module is not None
            and _is_ours(dotted_name(updated_node.module) or "")
        )

        def local(alias: cst.ImportAlias) -> str | None:
            name = (alias.asname.name if alias.asname else alias.name).value
            return name if ours or name in self.obsolete else None

        return self._keep(updated_node, local)

    def leave_Import(self, original_node, updated_node):
        def local(alias: cst.ImportAlias) -> str | None:
            full = dotted_name(alias.name) or ""
            if not _is_ours(full):
                return None
            return alias.asname.name.value if alias.asname else full.split(".")[0]

        return self._keep(updated_node, local)

    def _keep(self, node, local_name):
        return keep_import_names(
            node, lambda a: local_name(a) is None or self.uses[local_name(a)] > 0
        )


def drop_unused_imports(
    module: cst.Module, code: str, obsolete: set[str] = frozenset()
) -> cst.Module:
    """Drop module-level prefect/headrace imports whose names `code` no longer uses, and
    imports of the names in `obsolete` (a project's own Flow class once its flows are
    converted). Comments above a removed import move to the next statement."""
    uses = name_counts(code)
    imports = [s for s in module.body if _is_import_line(s)]
    for stmt in imports:  # names inside module-level imports are not uses
        uses.subtract(name_counts(module.code_for_node(stmt)))
    dropper = _DropUnused(uses, set(obsolete))
    body: list = []
    carried: list[cst.EmptyLine] = []
    for stmt in module.body:
        if carried:
            own = list(stmt.leading_lines)
            if own and own[0].comment is None:  # it has a blank line of its own
                carried = [line for line in carried if line.comment is not None]
            stmt = stmt.with_changes(leading_lines=[*carried, *own])
            carried = []
        if not _is_import_line(stmt):
            body.append(stmt)
            continue
        kept = []
        for small in stmt.body:
            leave = (
                dropper.leave_Import if isinstance(small, cst.Import) else dropper.leave_ImportFrom
            )
            new = leave(small, small) if isinstance(small, (cst.Import, cst.ImportFrom)) else small
            if not isinstance(new, cst.RemovalSentinel):
                kept.append(new)
        if kept:
            kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            body.append(stmt.with_changes(body=kept))
        else:
            carried = [  # a TODO about the removed import is moot; other lines stay
                line
                for line in stmt.leading_lines
                if line.comment is None or not line.comment.value.startswith(TODO_PREFIX)
            ]
    if len(body) == len(module.body) and all(
        a is b for a, b in zip(body, module.body, strict=True)
    ):
        return module
    if body and not module.header and body[0] is not module.body[0]:
        lines = list(body[0].leading_lines)
        while lines and lines[0].comment is None:
            lines.pop(0)
        body[0] = body[0].with_changes(leading_lines=lines)
    return module.with_changes(body=body)


def _is_import_line(stmt) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and any(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
    )


_NESTED_IMPORT = re.compile(r"^[ \t]+(from|import)[ \t]+prefect", re.MULTILINE)


def retarget_module(module: cst.Module, target: str, code: str) -> cst.Module:
    """Move import roots to the target. Only module-level import lines change, unless a
    plain `import prefect` (used as `prefect.x`) or an indented import needs a traversal."""
    transformer = Retarget(target)
    transformer.visit_Module(module)
    if transformer.renamed_roots or _NESTED_IMPORT.search(code):
        return module.visit(transformer)
    body = []
    for stmt in module.body:
        if _is_import_line(stmt):
            parts = []
            for small in stmt.body:
                if isinstance(small, cst.ImportFrom):
                    small = transformer.leave_ImportFrom(small, small)
                elif isinstance(small, cst.Import):
                    names = [transformer.leave_ImportAlias(a, a) for a in small.names]
                    small = small.with_changes(names=names)
                parts.append(small)
            stmt = stmt.with_changes(body=parts)
        body.append(stmt)
    return module.with_changes(body=body)


class Retarget(cst.CSTTransformer):
    """Rename import roots (`prefect` -> `headrace`) in imports and module references."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target
        self.renamed_roots: set[str] = set()
        self._skip: set[int] = set()

    def _new_module(self, node):
        full = dotted_name(node) or ""
        new = retarget(full, self.target)
        return node if new == full else cst.parse_expression(new)

    def leave_ImportFrom(self, original_node, updated_node):
        if updated_node.relative or updated_node.module is None:
            return updated_node
        return updated_node.with_changes(module=self._new_module(updated_node.module))

    def visit_Module(self, node: cst.Module) -> None:
        for stmt in node.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        full = dotted_name(alias.name) or ""
                        if retarget(full, self.target) != full and alias.asname is None:
                            self.renamed_roots.add(full.split(".")[0])

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        for n in _names_in(node.name):
            self._skip.add(id(n))

    def leave_ImportAlias(self, original_node, updated_node):
        if isinstance(updated_node.name, (cst.Name, cst.Attribute)):
            return updated_node.with_changes(name=self._new_module(updated_node.name))
        return updated_node

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def leave_Name(self, original_node, updated_node):
        if id(original_node) in self._skip or updated_node.value not in self.renamed_roots:
            return updated_node
        return updated_node.with_changes(value=retarget(updated_node.value, self.target))


def _names_in(node) -> list[cst.Name]:
    if isinstance(node, cst.Name):
        return [node]
    if isinstance(node, cst.Attribute):
        return [*_names_in(node.value), node.attr]
    return []
