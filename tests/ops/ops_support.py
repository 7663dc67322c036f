"""Helpers shared by the ops tests (imported by name: tests/ops is on sys.path)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

PYTHON = sys.executable
HERE = Path(__file__).parent


def wait_until(condition: Callable[[], object], timeout: float = 15.0, what: str = "") -> object:
    """Poll a condition until it is truthy or the deadline passes (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


class FakeClock:
    """A clock tests advance by hand; installed as headrace's clock."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def subprocess_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["HEADRACE_HOME"] = str(home)
    return env
