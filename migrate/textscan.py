"""Legacy Prefect commands in shell scripts, Makefiles, Dockerfiles, YAML and requirement
files. They are reported with their replacement, never rewritten: the right command
depends on infrastructure (a work pool) that only the user can choose."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TextHit:
    """One legacy command found in a non-Python file."""

    path: str
    line: int
    code: str
    found: str
    replacement: str


@dataclass(frozen=True)
class TextRule:
    """A report-only rule over non-Python files; its code is written here only."""

    code: str
    name: str
    summary: str


CLI_1X = TextRule("P190", "legacy-1x-cli", "1.x CLI in shell/Make/Docker/YAML (reported)")
CLI_2X = TextRule("P290", "legacy-2x-cli", "2.x CLI in shell/Make/Docker/YAML (reported)")
TEXT_RULES = (CLI_1X, CLI_2X)

_SERVE = "run a script that calls flow.serve(...)"


def _patterns(target: str) -> list[tuple[str, re.Pattern[str], object]]:
    on_prefect = target == "prefect"

    def worker(_m) -> str:
        cmd = "prefect worker start --pool <pool>"
        return cmd if on_prefect else f"{_SERVE} (Prefect 3: {cmd})"

    def build(m) -> str:
        entry = m.group("entry") or "path/to/flow.py:flow"
        name = re.search(r"(?:-n|--name)[ =](\S+)", m.group(0))
        cmd = f"prefect deploy {entry} -n {name.group(1) if name else '<name>'} -p <pool>"
        return (
            cmd
            if on_prefect
            else f"call flow.deploy(...) / serve(...) in Python (Prefect 3: {cmd})"
        )

    def register(_m) -> str:
        return "run the migrated script that calls flow.deploy(...) or flow.serve(...)"

    return [
        (
            CLI_1X.code,
            re.compile(r"prefect\s+agent\s+(local|docker|kubernetes|ecs|vertex)\s+start[^\n]*"),
            worker,
        ),
        (CLI_1X.code, re.compile(r"prefect\s+register\b[^\n]*"), register),
        (
            CLI_1X.code,
            re.compile(
                r"prefect\s+run\s+(flow\s+)?(-n|--name|-i|--id|-p|--path|-m|--module)\b[^\n]*"
            ),
            lambda _m: "prefect deployment run '<flow>/<deployment>' (or call the flow function)",
        ),
        (
            CLI_1X.code,
            re.compile(r"prefect\s+create\s+project\b[^\n]*"),
            lambda _m: "projects are gone: drop it (use tags)",
        ),
        (
            CLI_1X.code,
            re.compile(r"prefect\s+backend\s+(server|cloud)\b[^\n]*"),
            lambda _m: "no backend switch: set PREFECT_API_URL (headrace: nothing to do)",
        ),
        (
            CLI_2X.code,
            re.compile(r"prefect\s+deployment\s+build\s+(?P<entry>\S+:\S+)?[^\n]*"),
            build,
        ),
        (
            CLI_2X.code,
            re.compile(r"prefect\s+deployment\s+apply\b[^\n]*"),
            lambda _m: (
                "prefect deploy (reads prefect.yaml)"
                if on_prefect
                else "call flow.deploy(...) in Python"
            ),
        ),
        (CLI_2X.code, re.compile(r"prefect\s+agent\s+start\b[^\n]*"), worker),
        (
            CLI_2X.code,
            re.compile(r"prefect\s+orion\s+(\w+)[^\n]*"),
            lambda m: f"prefect server {m.group(1)}",
        ),
        (
            CLI_1X.code,
            re.compile(r"\bprefect(\[[^\]]*\])?\s*(==|~=|<=?)\s*(0|1)\.[0-9.*]*"),
            lambda _m: "require headrace (or prefect>=3)",
        ),
        (
            CLI_2X.code,
            re.compile(r"\bprefect(\[[^\]]*\])?\s*(==|~=|<=?)\s*2\.[0-9.*]*"),
            lambda _m: "require headrace (or prefect>=3)",
        ),
    ]


def scan_text(path: str, text: str, target: str = "headrace") -> list[TextHit]:
    """Every legacy command in one text file, first match per position."""
    if "prefect" not in text:
        return []
    hits: list[TextHit] = []
    patterns = _patterns(target)
    for number, line in enumerate(text.splitlines(), start=1):
        if "prefect" not in line:
            continue
        taken: list[tuple[int, int]] = []
        for code, pattern, replace in patterns:
            for m in pattern.finditer(line):
                if any(s <= m.start() < e for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                hits.append(TextHit(path, number, code, m.group(0).strip(), replace(m)))
    return hits
