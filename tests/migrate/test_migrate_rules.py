"""Before/after cases: one pair per rule (cases/rules) plus edge cases (cases/more).

Every case is also checked for idempotency, for parsing, and for the `headrace` target
leaving no `prefect` import behind.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from migrate_helpers import CASES, migrate_text

from headrace.migrate.rules import BUILTIN_RULES

PAIRS = sorted(CASES.glob("rules/*.before.py")) + sorted(CASES.glob("more/*.before.py"))


def _after(before: Path) -> Path:
    return before.with_name(before.name.replace(".before.py", ".after.py"))


@pytest.mark.parametrize("before", PAIRS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case(before: Path) -> None:
    result = migrate_text(before.read_text())
    assert result.code == _after(before).read_text()
    ast.parse(result.code)


@pytest.mark.parametrize("before", PAIRS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case_is_idempotent(before: Path) -> None:
    once = migrate_text(before.read_text())
    twice = migrate_text(once.code)
    assert not twice.changed
    assert twice.todos == once.todos


@pytest.mark.parametrize("before", PAIRS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_headrace_target_imports_no_prefect(before: Path) -> None:
    result = migrate_text(before.read_text(), target="headrace")
    tree = ast.parse(result.code)
    modules = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in modules if m and m.split(".")[0].startswith("prefect")]
    assert not migrate_text(result.code, target="headrace").changed


def test_every_rule_has_a_case() -> None:
    codes = {p.name.split("_")[0] for p in CASES.glob("rules/*.before.py")}
    assert codes == {rule.code for rule in BUILTIN_RULES}


def test_rule_codes_are_unique_and_documented() -> None:
    docs = (CASES.parent.parent.parent / "docs" / "migrate.md").read_text()
    codes = [rule.code for rule in BUILTIN_RULES]
    assert len(codes) == len(set(codes))
    for rule in BUILTIN_RULES:
        assert rule.summary and rule.name
        assert f"{rule.code}" in docs, rule.code


def test_todo_lines_are_reported_with_their_line() -> None:
    source = "from prefect.tasks.control_flow import ifelse\n\nifelse(c, a, b)\n"
    result = migrate_text(source)
    # the import is removed (the target has no ifelse); the TODO stays at the use
    assert [(t.code, t.line) for t in result.todos] == [("P199", 1)]
    assert result.code.splitlines()[0].startswith("# TODO(headrace-migrate P199): ifelse")
    assert result.code.splitlines()[1] == "ifelse(c, a, b)"


def test_file_without_legacy_code_is_unchanged() -> None:
    source = "import os\n\nprint(os.getcwd())  # prefect is only mentioned here\n"
    result = migrate_text(source, target="headrace")
    assert not result.changed
    assert result.code == source


def test_comments_and_formatting_outside_rewrites_are_kept() -> None:
    source = (
        "# header comment\n"
        "from prefect import task\n\n\n"
        "@task(max_retries=3)   # keep me\n"
        "def f( a ,b ):  # odd spacing stays\n"
        "    return a+b\n"
    )
    result = migrate_text(source)
    assert result.code == source.replace("max_retries=3", "retries=3")


def test_timedelta_that_is_not_a_literal_becomes_total_seconds() -> None:
    source = (
        "from prefect import task\n\n@task(max_retries=1, retry_delay=DELAY)\ndef f():\n    pass\n"
    )
    result = migrate_text(source)
    assert "retry_delay_seconds=DELAY.total_seconds()" in result.code


def test_only_and_skip_select_rules() -> None:
    from headrace.migrate.registry import select
    from headrace.migrate.transform import migrate_source

    source = (
        "from prefect import task\n\n@task(max_retries=1, log_stdout=True)\ndef f():\n    pass\n"
    )
    only = select(list(BUILTIN_RULES), {"P105"}, set())
    code = migrate_source(source, only, target="prefect").code
    assert "retries=1" in code and "log_stdout=True" in code
    skipped = select(list(BUILTIN_RULES), set(), {"task-retries"})
    code = migrate_source(source, skipped, target="prefect").code
    assert "max_retries=1" in code and "log_prints=True" in code


def test_state_returned_by_flow_run_is_checked_with_is_completed() -> None:
    source = (
        "from prefect import Flow\n\nwith Flow('f') as flow:\n    pass\n\n"
        "state = flow.run()\nassert state.is_successful()\n"
    )
    code = migrate_text(source).code
    assert "state = f(return_state=True)\nassert state.is_completed()\n" in code


def test_1x_logging_utilities_move_to_prefect_logging() -> None:
    source = "from prefect.utilities.logging import get_logger\n\nlog = get_logger()\n"
    assert migrate_text(source, target="headrace").code == source.replace(
        "prefect.utilities.logging", "headrace.logging"
    )
