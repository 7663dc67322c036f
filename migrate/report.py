"""`--report FILE`: the run written down for the person who reviews the pull request.

`.json` is the machine-readable summary (`summary.as_dict`); `.md` and `.html` are for
reading: files ordered by risk, each with its TODOs (line, rule, message) and the diff.

Risk: **high** when the file could not be migrated or still uses something the target
lacks (P199/P299/P300 TODOs: it will fail when that line runs); **medium** when other
TODOs are left; **low** when the rewrite is complete.
"""

from __future__ import annotations

import html
from pathlib import Path

from headrace.migrate.runner import FileReport, RunReport
from headrace.migrate.summary import write_json

#: TODOs that mark code which fails when it runs (a name the target does not have)
_BREAKING = {"P199", "P299", "P300"}
_ORDER = {"high": 0, "medium": 1, "low": 2}


def wants_diff(path: str | None) -> bool:
    """Does this report show diffs (so the run must compute them)?"""
    return bool(path) and Path(path).suffix.lower() in (".md", ".html")


def risk(f: FileReport) -> str:
    if f.status == "failed" or any(t.code in _BREAKING for t in f.todos):
        return "high"
    return "medium" if f.todos else "low"


def write_report(report: RunReport, names: dict[str, str], path: str) -> None:
    """Write the report in the format the file name asks for (.md, .html, else JSON)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".md":
        Path(path).write_text(markdown(report, names), encoding="utf-8")
    elif suffix == ".html":
        Path(path).write_text(as_html(report, names), encoding="utf-8")
    else:
        write_json(report, names, path)


def _files(report: RunReport) -> list[FileReport]:
    shown = [f for f in report.files if f.status in ("changed", "failed") or f.todos]
    return sorted(shown, key=lambda f: (_ORDER[risk(f)], f.path))


def _headline(report: RunReport) -> str:
    todos = sum(len(f.todos) for f in report.files) + len(report.text_hits)
    return (
        f"{report.count('changed')} files rewritten, {report.count('failed')} could not be "
        f"migrated, {report.count('unchanged')} unchanged; {todos} TODOs left for a human."
    )


def markdown(report: RunReport, names: dict[str, str]) -> str:
    out = ["# headrace migrate report", "", _headline(report), ""]
    counts = report.todos_by_rule()
    if counts:
        out += ["| rule | name | TODOs |", "|---|---|---|"]
        out += [f"| {code} | {names.get(code, '')} | {n} |" for code, n in counts.items()]
        out.append("")
    out += ["## Files", "", "Risk: high = fails where a TODO sits, medium = review the TODOs,"]
    out += ["low = complete rewrite.", ""]
    for f in _files(report):
        out.append(f"### `{f.path}` — {risk(f)} risk")
        out.append("")
        if f.error:
            out += [f"Not migrated: {f.error}", ""]
        for t in f.todos:
            out.append(f"- line {t.line}: **{t.code}** {t.message}")
        if f.todos:
            out.append("")
        if f.diff:
            out += ["<details><summary>diff</summary>", "", "```diff", f.diff.rstrip(), "```"]
            out += ["", "</details>", ""]
    if report.text_hits:
        out += ["## Commands in other files", ""]
        for h in report.text_hits:
            out.append(f"- `{h.path}` line {h.line}: **{h.code}** `{h.found}` -> {h.replacement}")
        out.append("")
    return "\n".join(out) + "\n"


def as_html(report: RunReport, names: dict[str, str]) -> str:
    e = html.escape
    parts = [
        "<!doctype html><meta charset='utf-8'><title>headrace migrate report</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:auto}"
        ".high{color:#b00}.medium{color:#a60}.low{color:#070}pre{background:#f6f6f6;"
        "padding:.5em;overflow:auto}.add{color:#070}.del{color:#b00}</style>",
        f"<h1>headrace migrate report</h1><p>{e(_headline(report))}</p>",
    ]
    counts = report.todos_by_rule()
    if counts:
        rows = "".join(
            f"<tr><td>{e(c)}</td><td>{e(names.get(c, ''))}</td><td>{n}</td></tr>"
            for c, n in counts.items()
        )
        parts.append(f"<table><tr><th>rule</th><th>name</th><th>TODOs</th></tr>{rows}</table>")
    parts.append("<h2>Files</h2>")
    for f in _files(report):
        level = risk(f)
        parts.append(f"<h3><code>{e(f.path)}</code> <span class='{level}'>{level} risk</span></h3>")
        if f.error:
            parts.append(f"<p>Not migrated: {e(f.error)}</p>")
        if f.todos:
            items = "".join(
                f"<li>line {t.line}: <b>{e(t.code)}</b> {e(t.message)}</li>" for t in f.todos
            )
            parts.append(f"<ul>{items}</ul>")
        if f.diff:
            lines = []
            for line in f.diff.splitlines():
                cls = "add" if line.startswith("+") else "del" if line.startswith("-") else ""
                lines.append(f"<span class='{cls}'>{e(line)}</span>" if cls else e(line))
            body = "\n".join(lines)
            parts.append(f"<details><summary>diff</summary><pre>{body}</pre></details>")
    if report.text_hits:
        items = "".join(
            f"<li><code>{e(h.path)}</code> line {h.line}: <b>{e(h.code)}</b> "
            f"<code>{e(h.found)}</code> -&gt; {e(h.replacement)}</li>"
            for h in report.text_hits
        )
        parts.append(f"<h2>Commands in other files</h2><ul>{items}</ul>")
    return "\n".join(parts) + "\n"
