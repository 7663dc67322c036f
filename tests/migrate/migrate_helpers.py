"""Helpers shared by the migrate tests (a module of its own: conftest is not importable)."""

from __future__ import annotations

from pathlib import Path

from headrace.migrate.rules import BUILTIN_RULES
from headrace.migrate.transform import SourceResult, migrate_source

HERE = Path(__file__).parent
CASES = HERE / "cases"
FIXTURES = HERE / "fixtures"
EXAMPLES = HERE.parent.parent / "examples"


def migrate_text(source: str, target: str = "prefect", module: str = "case") -> SourceResult:
    """Migrate one text with every built-in rule."""
    return migrate_source(source, BUILTIN_RULES, target=target, path="case.py", module=module)


def tree_texts(root: Path) -> dict[str, str]:
    """Relative path -> text for every file under root."""
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
