"""`headrace migrate` through the CLI: folder fixtures, options, exit codes, reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from migrate_helpers import EXAMPLES, FIXTURES, tree_texts

TREES = [
    (EXAMPLES / "legacy-1x", FIXTURES / "legacy-1x-after"),
    (EXAMPLES / "legacy-2x", FIXTURES / "legacy-2x-after"),
    (FIXTURES / "custom-flow-class" / "before", FIXTURES / "custom-flow-class" / "after"),
]


@pytest.mark.parametrize("before, after", TREES, ids=lambda p: p.parent.name + "/" + p.name)
def test_tree_is_migrated_then_left_alone(before, after, copy_tree, cli) -> None:
    project = copy_tree(before)
    first = cli("migrate", str(project), "-j", "1")
    assert first.exit_code == 1  # something changed
    assert tree_texts(project) == tree_texts(after)
    second = cli("migrate", str(project), "-j", "1")
    assert second.exit_code == 0, second.output
    assert tree_texts(project) == tree_texts(after)


def test_diff_prints_and_writes_nothing(copy_tree, cli) -> None:
    project = copy_tree(EXAMPLES / "legacy-1x")
    before = tree_texts(project)
    result = cli("migrate", str(project), "--diff", "-j", "1")
    assert result.exit_code == 1
    assert '+@flow(name="etl", task_runner=ThreadPoolTaskRunner(max_workers=4))' in result.output
    assert "-with Flow(" in result.output
    assert tree_texts(project) == before


def test_check_exits_one_and_writes_nothing(copy_tree, cli) -> None:
    project = copy_tree(EXAMPLES / "legacy-2x")
    before = tree_texts(project)
    result = cli("migrate", str(project), "--check", "-j", "1")
    assert result.exit_code == 1
    assert "would rewrite" in result.output
    assert tree_texts(project) == before
    assert cli("migrate", str(FIXTURES / "legacy-2x-after"), "--check").exit_code == 0


def test_exit_zero_even_if_changed(copy_tree, cli) -> None:
    project = copy_tree(EXAMPLES / "legacy-1x")
    result = cli("migrate", str(project), "--exit-zero-even-if-changed", "-j", "1")
    assert result.exit_code == 0
    assert tree_texts(project) == tree_texts(FIXTURES / "legacy-1x-after")


def test_report_json(copy_tree, cli, tmp_path) -> None:
    project = copy_tree(EXAMPLES / "legacy-1x")
    report_path = tmp_path / "report.json"
    cli("migrate", str(project), "--report", str(report_path), "-j", "1")
    report = json.loads(report_path.read_text())
    assert (report["scanned"], report["changed"], report["failed"]) == (4, 3, 0)
    assert report["skipped"] == 1  # flows/__init__.py is empty
    assert report["todos_by_rule"]["P190"]["count"] == 3
    assert report["todos_by_rule"]["P104"]["count"] == 1
    agent = [c for c in report["commands"] if "agent" in c["found"]]
    assert agent[0]["path"].endswith("start_agent.sh") and agent[0]["line"] == 5
    assert "prefect worker start --pool" in agent[0]["replacement"]
    etl = next(f for f in report["files"] if f["path"].endswith("etl.py"))
    assert etl["status"] == "changed"
    assert [t["code"] for t in etl["todos"]] == ["P103"]


def test_stdin_to_stdout(cli) -> None:
    source = "from prefect import task\n\n@task(max_retries=2)\ndef f():\n    pass\n"
    result = cli("migrate", "-", input=source)
    assert result.exit_code == 1
    assert result.stdout == source.replace("max_retries", "retries").replace("prefect", "headrace")
    unchanged = cli("migrate", "-", "--target", "prefect", input="x = 1\n")
    assert unchanged.exit_code == 0 and unchanged.stdout == "x = 1\n"


def test_stdin_that_does_not_parse_is_echoed(cli) -> None:
    result = cli("migrate", "-", input="def (:\n")
    assert result.exit_code == 2
    assert result.stdout == "def (:\n"


def test_only_skip_and_list_rules(tmp_path, cli) -> None:
    path = tmp_path / "t.py"
    source = (
        "from prefect import task\n\n@task(max_retries=2, log_stdout=True)\ndef f():\n    pass\n"
    )
    path.write_text(source)
    cli("migrate", str(path), "--only", "P105", "--target", "prefect")
    assert path.read_text() == source.replace("max_retries", "retries")
    path.write_text(source)
    cli("migrate", str(path), "--skip", "P105,P106", "--target", "prefect")
    assert path.read_text() == source
    listing = cli("migrate", "--list-rules").output
    assert "P103  with-flow-to-function" in listing and "P290" in listing


def test_target_prefect_keeps_prefect_imports(copy_tree, cli) -> None:
    project = copy_tree(EXAMPLES / "legacy-2x")
    cli("migrate", str(project), "--target", "prefect", "-j", "1")
    etl = (project / "flows" / "etl.py").read_text()
    assert "from prefect.task_runners import ThreadPoolTaskRunner" in etl
    assert "headrace" not in etl


def test_flow_class_option(tmp_path, cli) -> None:
    path = tmp_path / "f.py"
    path.write_text(
        "from company.wrappers import Pipeline\n\nwith Pipeline('p') as flow:\n    pass\n"
    )
    cli("migrate", str(path), "--target", "prefect")
    assert "with Pipeline" in path.read_text()  # unknown class: left alone
    cli("migrate", str(path), "--target", "prefect", "--flow-class", "company.wrappers.Pipeline")
    assert "@flow(name='p')\ndef p():" in path.read_text()


def test_bad_file_is_reported_and_others_migrated(tmp_path, cli) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import prefect\ndef broken(:\n")
    good = tmp_path / "good.py"
    good.write_text("from prefect import task\n\n@task(max_retries=1)\ndef f():\n    pass\n")
    result = cli("migrate", str(tmp_path), "--target", "prefect", "-j", "1")
    assert result.exit_code == 2
    assert "bad.py: does not parse" in result.output
    assert bad.read_text() == "import prefect\ndef broken(:\n"
    assert "retries=1" in good.read_text()


def test_parallel_run_matches_serial(tmp_path, cli) -> None:
    source = (EXAMPLES / "legacy-1x" / "flows" / "tasks.py").read_text()
    for name in ("serial", "parallel"):
        (tmp_path / name).mkdir()
        for i in range(12):
            (tmp_path / name / f"m{i}.py").write_text(source)
    assert cli("migrate", str(tmp_path / "serial"), "-j", "1").exit_code == 1
    assert cli("migrate", str(tmp_path / "parallel"), "-j", "2").exit_code == 1
    serial, parallel = tree_texts(tmp_path / "serial"), tree_texts(tmp_path / "parallel")
    assert serial == parallel
    assert "get_run_logger()" in serial["m0.py"]


def test_real_subprocess(copy_tree) -> None:
    project = copy_tree(EXAMPLES / "legacy-1x")
    exe = Path(sys.executable).with_name("headrace")
    proc = subprocess.run(
        [str(exe), "migrate", str(project), "-j", "1"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "4 Python files scanned: 3 rewritten" in proc.stderr
    assert tree_texts(project) == tree_texts(FIXTURES / "legacy-1x-after")


def test_progress_bar_on_a_terminal_for_long_runs(tmp_path) -> None:
    import io

    from rich.console import Console

    from headrace.migrate.cli import _run_with_progress
    from headrace.migrate.rules import BUILTIN_RULES
    from headrace.migrate.runner import Options

    for i in range(60):
        (tmp_path / f"m{i}.py").write_text(
            "from prefect import task\n\n@task(max_retries=1)\ndef f():\n    pass\n"
        )
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    options = Options(rules=tuple(BUILTIN_RULES), write=False, jobs=1)
    report = _run_with_progress([str(tmp_path)], options, console)
    assert report.count("changed") == 60
    assert "migrating" in out.getvalue() and "60/60" in out.getvalue()
