"""Count a flow run's task runs in headrace's SQLite store ($HEADRACE_HOME/headrace.db)."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path


def _database() -> Path:
    home = Path(os.environ.get("HEADRACE_HOME", Path.home() / ".headrace"))
    return home / "headrace.db"


def count_task_runs(flow_run_id: str) -> int:
    with closing(sqlite3.connect(_database(), timeout=30)) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM task_runs WHERE flow_run_id = ?", (flow_run_id,)
        ).fetchone()
    return count


def settled_count(flow_run_id: str, expected: int, limit_s: float = 30) -> tuple[int, float]:
    """Poll until every run is recorded or the count stops moving."""
    started = time.monotonic()
    last = -1
    while True:
        count = count_task_runs(flow_run_id)
        waited = time.monotonic() - started
        if count >= expected or count == last or waited > limit_s:
            return count, waited
        last = count
        time.sleep(1)
