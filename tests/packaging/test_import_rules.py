"""The import rules in `.importlinter` (no cycles, no private imports across packages, the
runtime's layers, independent integrations) hold for the code as it is now.

Run here as well as by `lint-imports` so that a targeted pytest run over a branch sees a
broken rule before the branch is merged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_import_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    broken = done.stdout[done.stdout.find("Broken contracts") :]
    assert done.returncode == 0, f"lint-imports found broken import rules:\n{broken}"
