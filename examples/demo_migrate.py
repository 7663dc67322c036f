"""Demo of `headrace migrate`: upgrade the Prefect 1.x project in examples/legacy-1x and
run the result on headrace.

Copies the project to a temporary folder, migrates it through the real command line,
shows the summary and one rewritten file, then runs the migrated flow. Called by
`make demo`; run it alone with `python examples/demo_migrate.py`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LEGACY = Path(__file__).parent / "legacy-1x"


def step(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="headrace-migrate-demo-") as tmp:
        project = Path(tmp) / "legacy-1x"
        shutil.copytree(LEGACY, project, ignore=shutil.ignore_patterns("__pycache__"))
        env = {**os.environ, "HEADRACE_HOME": str(Path(tmp) / "home"), "COLUMNS": "120"}

        step("before: flows/etl.py (Prefect 1.x)")
        print((project / "flows" / "etl.py").read_text())

        step("headrace migrate legacy-1x")
        migrate = [sys.executable, "-m", "headrace", "migrate", str(project)]
        done = subprocess.run(migrate, env=env, cwd=tmp)
        if done.returncode not in (0, 1):  # 1 = files were rewritten
            print(f"migrate failed with exit status {done.returncode}")
            return done.returncode

        step("after: flows/etl.py")
        print((project / "flows" / "etl.py").read_text())

        step("second run changes nothing")
        again = subprocess.run([*migrate, "--check"], env=env, cwd=tmp, capture_output=True)
        print("exit status", again.returncode, "(0 = nothing left to change)")

        step("run the migrated flow on headrace: python -m flows.etl 5")
        run = subprocess.run([sys.executable, "-m", "flows.etl", "5"], env=env, cwd=project)
        return run.returncode


if __name__ == "__main__":
    sys.exit(main())
