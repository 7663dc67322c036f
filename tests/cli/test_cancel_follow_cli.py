"""A running flow in its own process: `flow-run logs --follow` prints its lines as they
come, and `flow-run cancel` stops the process and marks the run Cancelled."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from cli_support import run_cli

SCRIPT = """
import sys, time
from pathlib import Path
from headrace import flow, get_run_logger
from headrace.runtime import flow_run

@flow(name="looper", flow_run_name="long-loop")
def looper(out: str) -> None:
    Path(out).write_text(flow_run.id)
    logger = get_run_logger()
    for i in range(600):
        logger.info("tick %s", i)
        time.sleep(0.1)

looper(sys.argv[1])
"""


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_follow_then_cancel_a_running_flow(home: Path, tmp_path: Path) -> None:
    script = tmp_path / "looper.py"
    script.write_text(SCRIPT)
    id_file = tmp_path / "run-id"
    env = {**os.environ, "HEADRACE_HOME": str(home)}
    flow_process = subprocess.Popen(
        [sys.executable, str(script), str(id_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    follower = None
    try:
        run_id = _wait_for(lambda: id_file.exists() and id_file.read_text(), 30, "the run id")
        follower = subprocess.Popen(
            [sys.executable, "-m", "headrace", "flow-run", "logs", run_id, "--follow"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert follower.stdout is not None
        first = follower.stdout.readline()  # arrives while the flow still runs
        assert "Flow run 'long-loop'" in first and flow_process.poll() is None
        _wait_for(lambda: "tick 3" in follower.stdout.readline(), 30, "tick lines")

        cancelled = run_cli(("flow-run", "cancel", run_id), home)
        assert cancelled.code == 0, cancelled.err
        assert flow_process.wait(timeout=30) != 0  # the process was stopped
        follower_out, _ = follower.communicate(timeout=30)  # --follow ends with the run
        assert follower.returncode == 0
        shown = run_cli(("flow-run", "inspect", run_id, "-o", "json"), home).json()
        assert shown["state"]["type"] == "CANCELLED"
        assert [s["name"] for s in shown["states"]][-2:] == ["Cancelling", "Cancelled"]
        again = run_cli(("flow-run", "cancel", run_id), home)
        assert again.code == 1 and "already Cancelled" in again.err
    finally:
        for process in (flow_process, follower):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
