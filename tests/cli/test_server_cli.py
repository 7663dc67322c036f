"""The CLI as a client of a real `headrace server start` (HEADRACE_API_URL): the same
commands read and change the server's store over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from server_support import ServerProcess  # noqa: E402

FLOWS = """
from headrace import flow, task

@task
def double(x):
    return 2 * x

@flow(name="remote-flow", flow_run_name="remote-{x}")
def remote(x: int) -> int:
    return double(x)

remote(1)
remote(2)
"""


@pytest.fixture
def server(tmp_path: Path):
    process = ServerProcess(tmp_path / "server-home").start()
    yield process
    process.stop()


def test_flow_runs_through_the_server(cli, home, tmp_path, server):
    api = {"HEADRACE_API_URL": server.api}
    script = tmp_path / "remote_flows.py"
    script.write_text(FLOWS)
    subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, "HEADRACE_HOME": str(home), **api},
        check=True,
        capture_output=True,
    )
    status = cli("server", "status", env=api)
    assert status.code == 0 and f"available at {server.api}" in status.out
    runs = cli("flow-run", "ls", "-o", "json", env=api).json()
    assert [r["name"] for r in runs] == ["remote-2", "remote-1"]
    flows = cli("flow", "ls", "-o", "json", env=api).json()
    assert [(f["name"], f["runs"]) for f in flows] == [("remote-flow", 2)]
    logs = cli("flow-run", "logs", runs[0]["id"], env=api)
    assert "| INFO    | Flow run 'remote-2' - Finished in state Completed" in logs.out
    deleted = cli("flow-run", "delete", runs[1]["id"], env=api)
    assert deleted.code == 0, deleted.err
    assert [r["name"] for r in cli("flow-run", "ls", "-o", "json", env=api).json()] == ["remote-2"]
    # the local store of this home holds nothing: the runs live in the server's
    assert cli("flow-run", "ls", "-o", "json").json() == []
