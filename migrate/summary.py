"""The end-of-run summary (rich, on stderr) and the same facts as JSON for `--report`."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from headrace.migrate.runner import RunReport


def as_dict(report: RunReport, names: dict[str, str]) -> dict:
    """The summary as JSON-ready data; `names` maps rule codes to rule names."""
    return {
        "scanned": len(report.files),
        "changed": report.count("changed"),
        "unchanged": report.count("unchanged"),
        "failed": report.count("failed"),
        "skipped": report.count("skipped"),
        "text_files_scanned": report.text_files,
        "not_read": [{"path": s.path, "reason": s.reason} for s in report.not_read],
        "todos_by_rule": {
            code: {"count": n, "name": names.get(code, "")}
            for code, n in report.todos_by_rule().items()
        },
        "files": [
            {
                "path": f.path,
                "status": f.status,
                "error": f.error,
                "todos": [{"code": t.code, "line": t.line, "message": t.message} for t in f.todos],
            }
            for f in report.files
            if f.status != "skipped"
        ],
        "commands": [
            {
                "path": h.path,
                "line": h.line,
                "code": h.code,
                "found": h.found,
                "replacement": h.replacement,
            }
            for h in report.text_hits
        ],
    }


def write_json(report: RunReport, names: dict[str, str], path: str) -> None:
    Path(path).write_text(json.dumps(as_dict(report, names), indent=2) + "\n", encoding="utf-8")


def print_summary(report: RunReport, names: dict[str, str], console: Console, verb: str) -> None:
    """Per-file problems first, then the counts and the TODOs by rule."""
    for f in report.files:
        if f.status == "failed":
            console.print(f"[red]failed[/] {f.path}: {f.error}", highlight=False)
    for skipped in report.not_read:
        console.print(f"[dim]not read[/] {skipped.path}: {skipped.reason}", highlight=False)
    for hit in report.text_hits:
        console.print(
            f"[yellow]{hit.code}[/] {hit.path}:{hit.line}: [bold]{hit.found}[/]"
            f" -> {hit.replacement}",
            highlight=False,
        )
    console.print(
        f"{len(report.files)} Python files scanned: {report.count('changed')} {verb}, "
        f"{report.count('unchanged')} unchanged, {report.count('failed')} failed to migrate, "
        f"{report.count('skipped')} skipped (no prefect); {report.text_files} other files "
        f"scanned, {len(report.text_hits)} legacy commands found; "
        f"{len(report.not_read)} paths not read",
        highlight=False,
    )
    if report.count("changed"):
        console.print(
            "Also review the behaviour changes no rewrite can show (flow final states, "
            "default task caching, unmapped by reference): see docs/migrate.md",
            highlight=False,
        )
    counts = report.todos_by_rule()
    if not counts:
        return
    table = Table(title=f"TODOs left for a human: {sum(counts.values())}", title_justify="left")
    table.add_column("rule")
    table.add_column("name")
    table.add_column("TODOs", justify="right")
    for code, n in counts.items():
        table.add_row(code, names.get(code, ""), str(n))
    console.print(table)
