"""Runs of a SIGKILLed flow process become Crashed, whichever command opens the store next."""

from __future__ import annotations

import signal
import subprocess
import textwrap

import pytest
from faults import PYTHON, cli, env_for, rows, wait_until

VICTIM = """
    import pathlib, sys, time
    from headrace import flow, task
    from headrace.store import get_store

    @task
    def hang():
        get_store().flush()
        pathlib.Path(sys.argv[1]).write_text("started")
        time.sleep(120)

    @flow
    def doomed():
        hang()

    doomed()
"""


def _kill_a_running_flow(tmp_path, home) -> None:
    script = tmp_path / "victim.py"
    script.write_text(textwrap.dedent(VICTIM))
    started = tmp_path / "started"
    victim = subprocess.Popen(
        [PYTHON, str(script), str(started)], env=env_for(home), stderr=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: started.exists() or victim.poll() is not None, what="the victim task")
        assert started.exists(), "the victim ended before its task started"
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()


COMMANDS = [
    ["runs", "ls"],
    ["block", "ls"],
    ["variable", "ls"],
    ["gcl", "ls"],
    ["concurrency-limit", "ls"],
    ["deployment", "ls"],
    ["work-pool", "ls"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command))
def test_each_command_marks_the_runs_of_a_killed_process_crashed(tmp_path, home, command):
    _kill_a_running_flow(tmp_path, home)
    database = home / "headrace.db"
    states = "SELECT state_name FROM {} ORDER BY created"
    assert rows(database, states.format("flow_runs")) == [("Running",)]
    assert rows(database, states.format("task_runs")) == [("Running",)]

    result = cli(home, *command)
    assert result.returncode == 0, result.stderr

    assert rows(database, states.format("flow_runs")) == [("Crashed",)]
    assert rows(database, states.format("task_runs")) == [("Crashed",)]
    assert rows(database, "SELECT name FROM run_states ORDER BY timestamp DESC LIMIT 1") == [
        ("Crashed",)
    ]
