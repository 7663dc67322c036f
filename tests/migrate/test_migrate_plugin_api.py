"""The migrate-rule plugin API: integrations use only the public `headrace.migrate`
namespace, keep one layout (`headrace_x/migrate/`, one module per rule, `RULES`), and each
rule code is written once, on its class."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import headrace.migrate
from headrace.migrate import Rule, all_rules

INTEGRATIONS = Path(__file__).resolve().parents[2] / "integrations"
PACKAGES = sorted(p.parent for p in INTEGRATIONS.glob("*/headrace_*/__init__.py"))


def test_every_public_name_resolves() -> None:
    for name in headrace.migrate.__all__:
        assert getattr(headrace.migrate, name) is not None, name
    assert issubclass(headrace.migrate.RenameImports, Rule)
    assert issubclass(headrace.migrate.LibraryTaskRule, Rule)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_integration_imports_only_the_public_migrate_namespace(package: Path) -> None:
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                inside = name.startswith("headrace.migrate.")
                assert not inside, f"{path}: imports {name}; use `from headrace.migrate import`"


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_integration_rules_follow_one_layout(package: Path) -> None:
    folder = package / "migrate"
    assert (folder / "__init__.py").is_file(), f"{package.name}: rules go in migrate/"
    assert not list(package.glob("migrate_*.py")), "rules live in the migrate/ subpackage"
    rules = importlib.import_module(f"{package.name}.migrate").RULES
    modules = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    assert sorted(rule.__module__.rpartition(".")[2] for rule in rules) == modules
    for rule in rules:
        assert issubclass(rule, Rule) and rule.code
        stem = rule.__module__.rpartition(".")[2]
        assert rule.code.lower() not in stem, f"{stem}: the code is written on the class only"
        doc = inspect.getmodule(rule).__doc__ or ""
        assert not doc.startswith(rule.code), f"{stem}: the code is written on the class only"


def test_rule_codes_are_unique_across_plugins() -> None:
    codes = [rule.code for rule in all_rules()]
    assert len(codes) == len(set(codes))
    assert {"AWS101", "SLACK101", "DASK201", "RAY201", "P102", "P208"} <= set(codes)
