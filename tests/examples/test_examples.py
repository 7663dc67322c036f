"""The runnable examples keep working: each is run the way a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(script: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HEADRACE_HOME": str(tmp_path / "home")}
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=600
    )


def test_etl_example_runs_end_to_end_against_local_doubles(tmp_path):
    completed = _run(ROOT / "examples" / "etl" / "run_etl.py", tmp_path)
    assert completed.returncode == 0, completed.stderr[-3000:]
    out = completed.stdout
    assert "nightly-etl ended Completed" in out
    assert "slack #alerts: Nightly ETL done: 3 customers. Katherine 2 orders (117.99)" in out
    assert "dbt model" in out and "load" in out
