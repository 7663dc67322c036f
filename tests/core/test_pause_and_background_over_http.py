"""Pauses and background task runs through a real headrace server (HEADRACE_API_URL):
the flow, the task worker and the resuming/submitting process share only the server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from server_support import ServerProcess  # noqa: E402

from headrace import resume_flow_run  # noqa: E402
from headrace.exceptions import NotPausedError  # noqa: E402
from headrace.store import get_store, reset_store  # noqa: E402
from headrace.store.interface import FlowRunQuery  # noqa: E402

FILES = """
import os
from headrace import flow, pause_flow_run, task


@task
def cube(x: int) -> tuple[int, int]:
    return x ** 3, os.getpid()


@task
def refuse(x: int) -> int:
    raise KeyError(f"no {x}")


@flow
def gated(x: int) -> int:
    extra = pause_flow_run(wait_for_input=int, timeout=60)
    return x + extra


if __name__ == "__main__":
    print(gated(1))
"""


def wait_until(condition: Callable[[], object], timeout: float = 30.0, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("server-home")).start()
    yield process
    process.stop()


@pytest.fixture
def remote(
    server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ServerProcess]:
    monkeypatch.setenv("HEADRACE_API_URL", server.api)
    (tmp_path / "remote_stuff.py").write_text(FILES)
    monkeypatch.syspath_prepend(str(tmp_path))
    reset_store()
    yield server
    reset_store()
    sys.modules.pop("remote_stuff", None)


def test_background_runs_through_the_server(remote: ServerProcess, tmp_path: Path) -> None:
    import remote_stuff

    worker = subprocess.Popen(
        [sys.executable, "-m", "headrace", "task", "serve"]
        + [f"{tmp_path / 'remote_stuff.py'}:{name}" for name in ("cube", "refuse")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "HEADRACE_HOME": str(tmp_path / "worker-home")},
    )
    try:
        assert worker.stdout.readline().startswith("Serving cube, refuse")  # type: ignore[union-attr]
        futures = [remote_stuff.cube.delay(x) for x in range(5)]
        refused = remote_stuff.refuse.delay(3)
        assert [f.result(timeout=30)[0] for f in futures] == [0, 1, 8, 27, 64]
        assert {f.result()[1] for f in futures} == {worker.pid}
        with pytest.raises(KeyError, match="no 3"):
            refused.result(timeout=30)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    row = get_store().runs.read_task_run(str(futures[0].task_run_id))
    assert row["state_type"] == "COMPLETED"


def test_a_pause_is_resumed_through_the_server(remote: ServerProcess, tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, str(tmp_path / "remote_stuff.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "HEADRACE_HOME": str(tmp_path / "flow-home")},
    )
    try:
        (paused,) = wait_until(
            lambda: get_store().runs.read_flow_runs(FlowRunQuery(state_types=["PAUSED"])),
            what="the pause",
        )
        with pytest.raises(ValueError, match="value"):
            resume_flow_run(paused["id"], run_input={"value": "x"})
        resume_flow_run(paused["id"], run_input={"value": 41})
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 0, err
    assert out.strip() == "42"
    with pytest.raises(NotPausedError):
        resume_flow_run(paused["id"])


def test_a_queued_call_is_read_back_through_the_server(remote: ServerProcess) -> None:
    import asyncio

    from headrace import tags, task
    from headrace.task_worker import read_parameters

    @task
    def unserved(x: int, label: str = "n") -> str:  # no worker serves it: it stays queued
        return label * x

    with tags("remote"):
        future = unserved.delay(3)
    parameters_id = future.state.state_details.task_parameters_id
    call = asyncio.run(read_parameters(None, parameters_id))
    assert call == {"parameters": {"x": 3, "label": "n"}, "context": {"tags": ["remote"]}}
    with pytest.raises(KeyError, match="No background task run"):
        asyncio.run(read_parameters(None, "00000000-0000-0000-0000-000000000000"))
