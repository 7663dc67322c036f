"""Runs of a SIGKILLed flow process become Crashed, whichever command opens the store next."""

from __future__ import annotations

import shutil
import signal
import subprocess
import textwrap
from pathlib import Path

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


@pytest.fixture(scope="module")
def killed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store files just after SIGKILL of a process whose flow and task were Running."""
    tmp_path = tmp_path_factory.mktemp("victim")
    home = tmp_path / "home"
    script = tmp_path / "victim.py"
    script.write_text(textwrap.dedent(VICTIM))
    started = tmp_path / "started"
    errors = tmp_path / "victim.stderr"
    env = {**env_for(home), "HEADRACE_DISABLE_PLUGIN_AUTOLOAD": "1"}
    with open(errors, "w") as stderr:
        victim = subprocess.Popen([PYTHON, str(script), str(started)], env=env, stderr=stderr)
    try:
        wait_until(lambda: started.exists() or victim.poll() is not None, what="the victim task")
        assert started.exists(), f"the victim ended early: {errors.read_text()}"
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    return home


COMMANDS = [
    ["runs", "ls"],
    ["block", "ls"],
    ["variable", "ls"],
    ["gcl", "ls"],
    ["concurrency-limit", "ls"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command))
def test_each_command_marks_the_runs_of_a_killed_process_crashed(killed_store, home, command):
    home.mkdir(parents=True, exist_ok=True)
    for path in killed_store.iterdir():  # the store as the killed process left it
        shutil.copy(path, home / path.name)
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
