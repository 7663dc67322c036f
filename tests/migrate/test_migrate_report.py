"""`--report report.md|.html`: what a reviewer reads, per file: TODOs with lines, risk, diff."""

from __future__ import annotations

from migrate_helpers import FIXTURES

LEGACY = """from prefect import Flow, task
from prefect.storage import GCS


@task
def hi():
    print("hi")


with Flow("Bob's flow") as flow:
    hi()

flow.storage = GCS("bucket")
flow.register(project_name="x")
"""
BROKEN_AFTER = "from prefect.tasks.control_flow import ifelse\n\nifelse(c, a, b)\n"


def test_markdown_report_lists_todos_with_lines_risk_and_diff(tmp_path, cli) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "etl.py").write_text(LEGACY)
    (project / "leftover.py").write_text(BROKEN_AFTER)
    report = tmp_path / "report.md"
    result = cli("migrate", str(project), "--report", str(report))
    assert result.exit_code == 1
    assert "--- a/" not in result.output  # diffs go to the report, not the terminal
    text = report.read_text()
    migrated = (project / "etl.py").read_text()
    todo_line = next(
        n
        for n, line in enumerate(migrated.splitlines(), 1)
        if "TODO(headrace-migrate P103)" in line
    )
    assert f"- line {todo_line}: **P103**" in text
    # the file that will fail where its TODO sits comes first, marked high
    assert text.index("leftover.py` — high risk") < text.index("etl.py` — medium risk")
    assert '+@flow(name="Bob\'s flow")' in text
    assert "| P104 | flow-run-register | 1 |" in text


def test_html_report_escapes_and_marks_risk(tmp_path, cli, copy_tree) -> None:
    project = copy_tree(FIXTURES / "custom-flow-class" / "before")
    report = tmp_path / "report.html"
    cli("migrate", str(project), "--report", str(report))
    page = report.read_text()
    assert page.startswith("<!doctype html>")
    assert "<span class='medium'>medium risk</span>" in page
    assert "@flow(name=&quot;daily load&quot;)" in page  # escaped, not raw markup
    assert "<script" not in page
