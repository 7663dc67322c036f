"""Fixtures for the migrate tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from headrace.cli import build_cli


@pytest.fixture
def cli():
    """Invoke `headrace ...` in-process; returns the click Result."""
    runner = CliRunner()
    group = build_cli()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(group, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def copy_tree(tmp_path):
    """Copy a folder (a fixture or an example) into tmp_path and return the copy."""

    def copy(source: Path, name: str = "project") -> Path:
        target = tmp_path / name
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        return target

    return copy
