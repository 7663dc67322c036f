"""The legacy-name table against the real targets: every name it moves to exists in
headrace (imported for real) and in Prefect 3.8.8's public names; removed names do not;
and a migrated import of each legacy name resolves, or is gone with a TODO at the use."""

from __future__ import annotations

import ast
import importlib

import pytest
from migrate_helpers import migrate_text

from headrace.migrate.legacy_names import (
    MODULE_MOVES,
    NAME_MOVES,
    REMOVED_1X,
    REMOVED_2X,
    STUBS_IN_PREFECT,
)
from headrace.migrate.targets import exists, prefect_names


def _headrace_has(dotted: str) -> bool:
    """Import the module for real and look the name up (prefect or headrace spelling)."""
    if dotted.startswith("prefect"):
        dotted = "headrace" + dotted[len("prefect") :]
    module, _, name = dotted.rpartition(".")
    try:
        return hasattr(importlib.import_module(module), name)
    except ImportError:
        return False


@pytest.mark.parametrize("old,new", sorted(NAME_MOVES.items()))
def test_moved_names_exist_in_prefect(old: str, new: str) -> None:
    # headrace: checked by migrating the import (below); a name it lacks is removed
    assert new in prefect_names(), new


def test_moved_names_headrace_has_are_imported() -> None:
    present = [new for new in NAME_MOVES.values() if _headrace_has(new)]
    assert "prefect.unmapped" in present and "prefect.states.Completed" in present
    for new in present:
        module, _, name = new.rpartition(".")
        result = migrate_text(f"from {module} import {name}\n\nx = {name}\n", "headrace")
        assert f"import {name}" in result.code


@pytest.mark.parametrize("prefix", sorted({*REMOVED_1X, *REMOVED_2X} - STUBS_IN_PREFECT))
def test_removed_names_are_not_in_prefect(prefix: str) -> None:
    names = prefect_names()
    assert prefix not in names
    assert not any(n.startswith(prefix + ".") for n in names)


def test_exists_reads_the_real_headrace_tree() -> None:
    assert exists("prefect.flow", "headrace")
    assert exists("prefect.states.Completed", "headrace")
    assert not exists("prefect.run_configs.KubernetesRun", "headrace")
    assert not exists("prefect.Parameter", "headrace")
    assert exists("prefect.get_client", "prefect")
    assert not exists("prefect.storage.GCS", "prefect")


def _imports(code: str) -> list[str]:
    tree = ast.parse(code)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found += [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return found


LEGACY = sorted(
    {
        *NAME_MOVES,
        *(f"{m}.X" for m in list(MODULE_MOVES)[::4]),  # a sample: they share one code path
        *(p if p.count(".") > 1 else f"{p}.X" for p in [*REMOVED_1X, *REMOVED_2X]),
    }
)


@pytest.mark.parametrize("target", ["headrace", "prefect"])
@pytest.mark.parametrize("dotted", LEGACY)
def test_every_legacy_import_resolves_or_is_removed_with_a_todo(dotted: str, target: str) -> None:
    module, _, name = dotted.rpartition(".")
    source = f"from {module} import {name}\n\nvalue = {name}\n"
    result = migrate_text(source, target=target)
    for imported in _imports(result.code):
        assert exists(imported, target), f"{dotted} -> {imported}"
        if target == "headrace" and "." in imported:
            assert _headrace_has(imported), imported
    still_bound = any(i.rpartition(".")[2] == name for i in _imports(result.code))
    value_line = [line for line in result.code.splitlines() if line.startswith("value = ")]
    assert value_line, result.code
    if not still_bound and value_line[0] == f"value = {name}":
        assert result.todos, f"{dotted}: import removed without a TODO\n{result.code}"
