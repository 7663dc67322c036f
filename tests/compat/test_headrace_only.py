"""Checks where headrace deliberately differs from Prefect, so there is nothing to record.

Prefect 3's caller waits for a timed-out sync task's whole sleep; headrace must hand the
TimedOut state back soon after the timeout. Timing bounds here are coarse on purpose.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

TIMED_OUT_CALLER = textwrap.dedent(
    """
    import time

    from headrace import flow, task


    @task(timeout_seconds=0.5)
    def overrun():
        time.sleep(20)


    @flow
    def pipeline():
        return overrun(return_state=True).name


    started = time.monotonic()
    name = pipeline()
    print(name, time.monotonic() - started)
    """
)


def test_sync_timeout_does_not_hold_the_caller(tmp_path: Path) -> None:
    script = tmp_path / "timed_out_caller.py"
    script.write_text(TIMED_OUT_CALLER)
    env = dict(os.environ, HEADRACE_HOME=str(tmp_path / "home"))
    proc = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    name, waited = proc.stdout.split()
    assert name == "TimedOut"
    # The task sleeps 20 s; Prefect's caller waits all of it. Anything far below is a pass.
    assert float(waited) < 5.0, f"caller waited {waited} s for a 0.5 s timeout"
