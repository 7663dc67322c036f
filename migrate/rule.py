"""The Rule base class: one codemod with a code, applied in a shared traversal.

A rule is a libcst transformer. All rewriting rules walk the tree together in one
traversal (see `transform`), so a rule must not rely on `visit_*` returning False to prune
children, and only node-level hooks (`leave_Call`, not `leave_Call_func`) are called.
Rules ask for TODO comments with `self.todo(...)`; the base class puts them on the line
above the statement being left, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from headrace.migrate.names import ImportMap
from headrace.migrate.project import ProjectInfo

TODO_PREFIX = "# TODO(headrace-migrate "

#: phases: the rewriting rules share one traversal (1.x rules before 2.x rules at every
#: node); the leftover reports run afterwards, only when legacy names are still bound
PHASE_1X_STRUCTURE = 1
PHASE_1X_DETAILS = 2
PHASE_2X = 3
PHASE_LEFTOVERS = 4


@dataclass
class FileContext:
    """What rules know about the file being migrated."""

    path: str = "<string>"
    #: the text being migrated (a TODO already in it is not added again)
    source: str = ""
    module: str | None = None
    target: str = "headrace"
    project: ProjectInfo = field(default_factory=ProjectInfo)
    imports: ImportMap | None = None
    #: (module, name) pairs to import once the phase ends
    wanted_imports: list[tuple[str, str]] = field(default_factory=list)
    #: flow function names known in this module (converted here or imported)
    flow_functions: dict[str, object] = field(default_factory=dict)
    #: module each imported flow function comes from
    flow_modules: dict[str, str] = field(default_factory=dict)
    #: TODOs that belong to no statement (put in the module header)
    module_todos: list[str] = field(default_factory=list)
    #: local names made obsolete by a rule; their imports go once unused
    obsolete_names: set[str] = field(default_factory=set)
    #: > 0 while the traversal is inside a flow body: a `with Flow` block being converted
    #: or an @flow function (rules for flow bodies check it; maintained by P103)
    flow_depth: int = 0
    _normalised: str | None = None

    def already_has(self, todo: str) -> bool:
        """Is this TODO in the file already (also when written for the other target)?"""
        if todo in self.source:
            return True
        if TODO_PREFIX not in self.source:
            return False
        if self._normalised is None:
            self._normalised = self.source.replace("headrace", "prefect")
        return todo.replace("headrace", "prefect") in self._normalised

    @property
    def package(self) -> str | None:
        return self.module.rpartition(".")[0] if self.module else None


class Rule(cst.CSTTransformer):
    """Base class of every migrate rule (built-in or from a plugin).

    Class attributes: `code` (e.g. "P105"), `name` (kebab-case), `summary` (one line),
    `phase` (when it runs), `triggers` (substrings; the rule runs on a file only if one
    occurs in it) and `todo_notes` (what it leaves to a human, for the docs).
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    phase: ClassVar[int] = PHASE_2X
    triggers: ClassVar[tuple[str, ...]] = ("prefect",)
    todo_notes: ClassVar[str] = ""

    @classmethod
    def applies(cls, source: str, project: ProjectInfo) -> bool:
        """Cheap test on the text: is this rule worth a traversal of the file?"""
        return any(t in source for t in cls.triggers)

    @classmethod
    def still_needed(cls, imports: ImportMap, code: str) -> bool:
        """For leftover reports: after the rewriting pass, is there anything to report?"""
        return True

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._statements: list[cst.CSTNode] = []
        self._pending: dict[int, list[str]] = {}
        # node type name -> handler, so that a node no rule cares about costs a dict lookup
        self._visitors = _handlers(self, "visit_")
        self._leavers = _handlers(self, "leave_")

    # -- helpers for subclasses -------------------------------------------------------
    def qualname(self, node: cst.BaseExpression) -> str | None:
        """Dotted name of `node` by the module's imports (`prefect` spelling), or None."""
        return self.ctx.imports.resolve(node) if self.ctx.imports else None

    def todo(self, message: str) -> None:
        """Leave `# TODO(headrace-migrate CODE): message` above the current statement."""
        text = f"{TODO_PREFIX}{self.code}): {message}"
        if self.ctx.already_has(text):
            return
        if self._statements:
            self._pending.setdefault(id(self._statements[-1]), []).append(text)
        elif text not in self.ctx.module_todos:
            self.ctx.module_todos.append(text)

    def todo_at(self, stmt, message: str):
        """The statement with the TODO comment above it (for rules that rewrite blocks)."""
        text = f"{TODO_PREFIX}{self.code}): {message}"
        return stmt if self.ctx.already_has(text) else attach_comments(stmt, [text])

    def add_import(self, module: str, name: str) -> None:
        """Import `name` from `module` (prefect spelling) when the phase ends."""
        if (module, name) not in self.ctx.wanted_imports:
            self.ctx.wanted_imports.append((module, name))

    # -- traversal ----------------------------------------------------------------------
    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _STATEMENTS):
            self._statements.append(node)
        handler = self._visitors.get(type(node).__name__)
        if handler is not None:
            handler(node)
        return True

    def on_leave(self, original_node, updated_node):
        result = updated_node
        handler = self._leavers.get(type(original_node).__name__)
        if handler is not None:
            result = handler(original_node, updated_node)
        return self.finish_leave(original_node, result)

    def finish_leave(self, original_node, result):
        """Pop the statement stack and attach pending TODOs (also when leave was skipped)."""
        if self._statements and self._statements[-1] is original_node:
            self._statements.pop()
            todos = self._pending.pop(id(original_node), [])
            if todos:
                result = self._attach(result, todos)
        return result

    def _attach(self, result, todos: list[str]):
        if isinstance(result, cst.FlattenSentinel) and result.nodes:
            first = attach_comments(result.nodes[0], todos)
            return cst.FlattenSentinel([first, *result.nodes[1:]])
        if isinstance(result, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return attach_comments(result, todos)
        # the statement was removed: the TODOs go to the enclosing statement
        if self._statements:
            self._pending.setdefault(id(self._statements[-1]), []).extend(todos)
        else:
            self.ctx.module_todos.extend(t for t in todos if t not in self.ctx.module_todos)
        return result


_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


_STATEMENT_NAMES = frozenset(
    {
        "SimpleStatementLine",
        "If",
        "For",
        "While",
        "With",
        "Try",
        "TryStar",
        "FunctionDef",
        "ClassDef",
        "Match",
    }
)
_HANDLER_NAMES: dict[tuple[type, str], list[tuple[str, str]]] = {}


def _handlers(rule: Rule, prefix: str) -> dict:
    """Node type name -> bound handler method (method names looked up once per class)."""
    key = (type(rule), prefix)
    names = _HANDLER_NAMES.get(key)
    if names is None:
        names = [
            (attr[len(prefix) :], attr)
            for attr in dir(type(rule))
            if attr.startswith(prefix) and attr[len(prefix) :] and "_" not in attr[len(prefix) :]
        ]
        _HANDLER_NAMES[key] = names
    return {node_type: getattr(rule, attr) for node_type, attr in names}


def attach_comments(stmt, comments: list[str]):
    """Add comment lines above a statement, skipping ones already there."""
    present = {line.comment.value for line in stmt.leading_lines if line.comment}
    extra = [
        cst.EmptyLine(comment=cst.Comment(text))
        for text in dict.fromkeys(comments)
        if text not in present
    ]
    if not extra:
        return stmt
    return stmt.with_changes(leading_lines=[*stmt.leading_lines, *extra])


class RuleFailed(Exception):
    """A rule raised: names the rule (and its module) so the report points at the culprit."""

    def __init__(self, rule: Rule, error: Exception) -> None:
        where = type(rule).__module__
        super().__init__(f"rule {rule.code} ({where}) failed: {type(error).__name__}: {error}")


class Phase(cst.CSTTransformer):
    """Runs several rules in one traversal, each seeing the previous rules' result.

    Node-level hooks only (`visit_Call`, `leave_Name`, ...): attribute-level hooks such as
    `visit_Call_func` are not dispatched, which keeps a traversal cheap.
    """

    def __init__(self, rules: list[Rule]) -> None:
        super().__init__()
        self.rules = rules

    def on_visit(self, node: cst.CSTNode) -> bool:
        name = type(node).__name__
        statement = name in _STATEMENT_NAMES
        for rule in self.rules:
            if statement:
                rule._statements.append(node)
            handler = rule._visitors.get(name)
            if handler is not None:
                try:
                    handler(node)
                except Exception as exc:
                    raise RuleFailed(rule, exc) from exc
        return True

    def on_leave(self, original_node, updated_node):
        name = type(original_node).__name__
        statement = name in _STATEMENT_NAMES
        result = updated_node
        if isinstance(result, cst.SimpleStatementLine) and not result.body:
            # every small statement was removed: the line goes, and no rule sees it empty
            result = cst.RemoveFromParent()
        for rule in self.rules:
            handler = rule._leavers.get(name)
            # when an earlier rule replaced the node, later ones only keep their bookkeeping
            if handler is not None and type(result) is type(original_node):
                try:
                    result = handler(original_node, result)
                except Exception as exc:
                    raise RuleFailed(rule, exc) from exc
            if statement:
                result = rule.finish_leave(original_node, result)
        return result

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None
