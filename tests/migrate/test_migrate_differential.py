"""Differential tests: legacy scripts whose output was recorded on the legacy release
(prefect 1.4.1 / 2.20, in separate virtualenvs, by hand: CI never installs them) must
print the same after migration when run on headrace. Only lines starting with "OUT" are
compared: log lines differ between releases by design."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from migrate_helpers import CASES, migrate_text

SCRIPTS = sorted((CASES / "differential").glob("d*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_migrated_script_prints_what_the_legacy_release_printed(script: Path, tmp_path) -> None:
    migrated = migrate_text(script.read_text(), target="headrace")
    assert "prefect" not in "".join(
        line for line in migrated.code.splitlines() if line.lstrip().startswith(("from", "import"))
    )
    path = tmp_path / script.name
    path.write_text(migrated.code)
    proc = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    printed = [line for line in proc.stdout.splitlines() if line.startswith("OUT")]
    expected = script.with_suffix(".out").read_text().splitlines()
    assert printed == expected, proc.stderr[-2000:]
    assert proc.returncode == 0, proc.stderr[-2000:]
