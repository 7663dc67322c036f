"""Running scripts and the CLI in real processes, and reading the store file behind
headrace's back (so the test process never runs recovery itself)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

PYTHON = sys.executable


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["HEADRACE_HOME"] = str(home)
    env.update(extra)
    return env


def run_script(
    tmp_path: Path, home: Path, source: str, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    script = tmp_path / f"script_{time.monotonic_ns()}.py"
    script.write_text(textwrap.dedent(source))
    return subprocess.run(
        [PYTHON, str(script)],
        env=env_for(home, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def cli(
    home: Path, *args: str, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "headrace", *args],
        env=env_for(home, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def rows(database: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the file directly with sqlite3 (no headrace code runs)."""
    connection = sqlite3.connect(database, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def raw_bytes(directory: Path) -> bytes:
    """Every byte headrace wrote under a directory (database, WAL, spool and key files
    excepted: the key is the one thing meant to be there)."""
    data = b""
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.name != "encryption.key":
            data += path.read_bytes()
    return data


def wait_until(condition: Callable[[], object], timeout: float = 20.0, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)
