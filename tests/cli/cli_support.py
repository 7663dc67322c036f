"""Running the real `headrace` command in a subprocess, and reading its tables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from headrace.store import get_store


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.err
        return json.loads(self.out)


def run_cli(
    args: tuple[str, ...],
    home: Path,
    columns: int = 80,
    env: dict[str, str] | None = None,
    **kwargs: Any,
) -> Result:
    get_store().flush()
    full_env = {**os.environ, "HEADRACE_HOME": str(home), "COLUMNS": str(columns)}
    full_env.pop("HEADRACE_API_URL", None)
    full_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "headrace", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def table_rows(output: str, column: str) -> list[str]:
    """The whole text of `column` in each row of a rich table, folded lines joined (a row
    starts where the first column has text)."""
    lines = [line for line in output.splitlines() if line.startswith(("┃", "│"))]
    header = [cell.strip() for cell in lines[0].strip("┃").split("┃")]
    index = header.index(column)
    rows: list[str] = []
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if cells[0]:
            rows.append(cells[index])
        else:
            rows[-1] += cells[index]
    return rows
