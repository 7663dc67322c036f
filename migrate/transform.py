"""Transforming one source text: parse, run the rule phases, fix imports, verify.

Everything here works on strings; reading and writing files is `files`' job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from headrace.migrate import imports as _imports
from headrace.migrate.names import ImportMap
from headrace.migrate.project import ProjectInfo
from headrace.migrate.project import scan as scan_project
from headrace.migrate.rule import (
    PHASE_LEFTOVERS,
    TODO_PREFIX,
    FileContext,
    Phase,
    Rule,
    RuleFailed,
    attach_comments,
)

_TODO_RE = re.compile(r"#\s*TODO\(headrace-migrate ([A-Z0-9]+)\):\s*(.*)$")


@dataclass(frozen=True)
class Todo:
    """A TODO left in a file: rule code, 1-based line, message."""

    code: str
    line: int
    message: str


@dataclass
class SourceResult:
    """The outcome for one source text."""

    code: str
    changed: bool
    todos: list[Todo] = field(default_factory=list)


class MigrationError(Exception):
    """A rule produced code that does not parse, or raised; the file is left untouched."""


def migrate_source(
    source: str,
    rules: list[type[Rule]],
    *,
    target: str = "headrace",
    path: str = "<string>",
    module: str | None = None,
    project: ProjectInfo | None = None,
) -> SourceResult:
    """Migrate one module's source with the given rule classes.

    Raises libcst.ParserSyntaxError when the source does not parse, MigrationError when
    a rule fails or its output would not parse.
    """
    tree = cst.parse_module(source)
    if project is None:
        project = scan_project([(path, module or "", source)])
    ctx = FileContext(path=path, source=source, module=module, target=target, project=project)
    active = sorted((r for r in rules if r.applies(source, project)), key=_order)
    rewriting = [r for r in active if r.phase < PHASE_LEFTOVERS]
    if rewriting:
        tree = _run_phase(tree, ctx, rewriting)
    if ctx.module_todos:
        tree = _with_module_todos(tree, ctx.module_todos)
        ctx.module_todos = []
    code = tree.code if rewriting else source
    if code != source:
        tree = _imports.drop_unused_imports(tree, code, ctx.obsolete_names)
    leftovers = [r for r in active if r.phase >= PHASE_LEFTOVERS]
    if leftovers:
        bound = ImportMap(tree, ctx.package)
        leftovers = [r for r in leftovers if r.still_needed(bound, code)]
        if leftovers:
            tree = _run_phase(tree, ctx, leftovers)
            if ctx.module_todos:
                tree = _with_module_todos(tree, ctx.module_todos)
    if target != "prefect" and "prefect" in code:
        tree = _imports.retarget_module(tree, target, code)
    code = tree.code
    if code != source:
        try:
            # compile, not just parse: it also catches a repeated keyword argument
            compile(code, "<migrated>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            raise MigrationError(f"migrated code would not compile: {exc}") from exc
    return SourceResult(code, code != source, find_todos(code))


def _order(rule: type[Rule]) -> tuple[int, str]:
    return rule.phase, rule.code


def _run_phase(tree: cst.Module, ctx: FileContext, rules: list[type[Rule]]) -> cst.Module:
    ctx.imports = ImportMap(tree, ctx.package)
    ctx.wanted_imports = []
    try:
        tree = tree.visit(Phase([r(ctx) for r in rules]))
    except RuleFailed as exc:
        raise MigrationError(str(exc)) from exc
    except Exception as exc:  # outside any rule's hook (e.g. libcst rejecting a node)
        codes = ",".join(r.code for r in rules)
        raise MigrationError(f"rules {codes} failed: {type(exc).__name__}: {exc}") from exc
    if ctx.wanted_imports:
        tree = _imports.add_imports(tree, ctx.wanted_imports)
    return tree


def _with_module_todos(tree: cst.Module, todos: list[str]) -> cst.Module:
    if tree.body:
        first = attach_comments(tree.body[0], todos)
        return tree.with_changes(body=[first, *tree.body[1:]])
    return tree


def find_todos(code: str) -> list[Todo]:
    """Every `# TODO(headrace-migrate CODE): ...` comment in the code, with its line."""
    if TODO_PREFIX not in code:
        return []
    found = []
    for number, line in enumerate(code.splitlines(), start=1):
        m = _TODO_RE.search(line)
        if m:
            found.append(Todo(m.group(1), number, m.group(2).strip()))
    return found
