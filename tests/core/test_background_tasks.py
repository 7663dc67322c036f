"""Background task runs: `Task.delay` in one process, task workers in others (real
subprocesses racing for the same queue, one of them killed with SIGKILL)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from headrace import flow, task, unmapped
from headrace.exceptions import CrashedRun, MissingResult
from headrace.futures import PrefectDistributedFuture, wait
from headrace.store import get_store
from headrace.task_runners import PrefectTaskRunner
from headrace.task_worker import TaskWorker

TASKS = """
import os
import pathlib
import time

from headrace import flow, task, unmapped

LOG = pathlib.Path(os.environ["BACKGROUND_LOG"])


@task
def square(x: int) -> tuple[int, int]:
    time.sleep(0.03)  # a little work, so that both workers get some
    with LOG.open("a") as log:
        log.write(f"{x} {os.getpid()}\\n")
    return x * x, os.getpid()


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def fail(message: str) -> None:
    raise ValueError(message)


@task
async def twice(x: int) -> int:
    return 2 * x


def _first_attempt_hangs(marker: str) -> int:
    path = pathlib.Path(marker)
    if not path.exists():
        path.write_text(str(os.getpid()))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until this worker is killed
            time.sleep(0.05)
    return os.getpid()


@task(retries=1)
def hangs_once(marker: str) -> int:
    return _first_attempt_hangs(marker)


@task
def hangs_once_no_retries(marker: str) -> int:
    return _first_attempt_hangs(marker)
"""

ALL_TASKS = ("square", "add", "fail", "twice", "hangs_once", "hangs_once_no_retries")


class OnlyHere:
    """Pickled by reference to this test module, which task workers cannot import."""


def wait_until(condition: Callable[[], object], timeout: float = 20.0, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


@pytest.fixture
def tasks_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The tasks file, imported here as the submitting side (workers load it by path)."""
    (tmp_path / "bg_tasks.py").write_text(TASKS)
    monkeypatch.setenv("BACKGROUND_LOG", str(tmp_path / "runs.log"))
    monkeypatch.syspath_prepend(str(tmp_path))
    import bg_tasks

    yield bg_tasks
    sys.modules.pop("bg_tasks", None)


class Workers:
    """`headrace task serve` subprocesses; each is ready once it printed its banner."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: list[subprocess.Popen] = []

    def start(self, *extra: str, limit: int = 2) -> subprocess.Popen:
        entrypoints = [f"{self.folder / 'bg_tasks.py'}:{name}" for name in ALL_TASKS]
        process = subprocess.Popen(
            [sys.executable, "-m", "headrace", "task", "serve", *entrypoints]
            + ["--limit", str(limit), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.processes.append(process)
        banner = process.stdout.readline()  # type: ignore[union-attr]
        assert banner.startswith("Serving square, add, fail"), banner
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(tmp_path)
    yield pool
    pool.stop()


def test_two_racing_workers_run_every_delayed_run_exactly_once(
    tasks_module, workers: Workers, tmp_path: Path
) -> None:
    first, second = workers.start(), workers.start()
    futures = [tasks_module.square.delay(x) for x in range(30)]
    assert all(isinstance(future, PrefectDistributedFuture) for future in futures)
    results = [future.result(timeout=60) for future in futures]
    assert [value for value, _ in results] == [x * x for x in range(30)]
    # each run executed once, and both workers took part
    lines = (tmp_path / "runs.log").read_text().split()
    assert sorted(int(x) for x in lines[::2]) == list(range(30))
    assert {pid for _, pid in results} == {first.pid, second.pid}
    row = get_store().runs.read_task_run(str(futures[0].task_run_id))
    assert (row["state_type"], row["task_name"], row["flow_run_id"]) == (
        "COMPLETED",
        "square",
        None,
    )
    names = [state["name"] for state in get_store().runs.read_states(str(futures[0].task_run_id))]
    assert names == ["Scheduled", "Running", "Completed"]


def test_results_failures_async_tasks_and_upstream_futures(tasks_module, workers: Workers) -> None:
    workers.start()
    total = tasks_module.add.delay(2, 3)
    chained = tasks_module.add.apply_async((total,), {"b": 10})  # a future as an argument
    after = tasks_module.twice.apply_async((4,), wait_for=[chained])
    failing = tasks_module.fail.delay("no good")
    assert chained.result(timeout=30) == 15
    assert after.result(timeout=30) == 8
    with pytest.raises(ValueError, match="no good"):
        failing.result(timeout=30)
    assert failing.state.is_failed()
    assert failing.result(raise_on_failure=False).args == ("no good",)
    done, not_done = wait([total, chained, after, failing], timeout=30)
    assert len(done) == 4 and not not_done
    # an argument the worker cannot unpickle (its class lives only in this test module)
    broken = tasks_module.add.delay(OnlyHere(), 1)
    with pytest.raises(ModuleNotFoundError):
        broken.result(timeout=30)
    assert "could not start the run" in broken.state.message
    mapped = tasks_module.add.map([1, 2, 3], unmapped(10), deferred=True)
    assert all(isinstance(future, PrefectDistributedFuture) for future in mapped)
    assert mapped.result(timeout=30) == [11, 12, 13]

    @flow(task_runner=PrefectTaskRunner())
    def fan_out() -> list[int]:
        futures = tasks_module.add.map([1, 2], unmapped(5))
        single = tasks_module.twice.submit(4)
        assert isinstance(single, PrefectDistributedFuture)
        return [future.result(timeout=30) for future in [*futures, single]]

    assert fan_out() == [6, 7, 8]


def test_a_killed_workers_run_is_retried_by_another_worker(
    tasks_module, workers: Workers, tmp_path: Path
) -> None:
    marker = tmp_path / "attempt"
    doomed = workers.start("--lease-seconds", "1")
    future = tasks_module.hangs_once.delay(str(marker))
    wait_until(marker.exists, what="the first attempt to start")
    assert marker.read_text() == str(doomed.pid)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    rescuer = workers.start("--lease-seconds", "1")
    assert future.result(timeout=30) == rescuer.pid
    names = [state["name"] for state in get_store().runs.read_states(str(future.task_run_id))]
    # the killed attempt's own Running record may have died with it (records are batched)
    assert names[0] == "Scheduled"
    assert names[-3:] == ["AwaitingRetry", "Running", "Completed"]


def test_a_killed_workers_run_without_retries_crashes(
    tasks_module, workers: Workers, tmp_path: Path
) -> None:
    marker = tmp_path / "attempt"
    doomed = workers.start("--lease-seconds", "1")
    future = tasks_module.hangs_once_no_retries.delay(str(marker))
    wait_until(marker.exists, what="the attempt to start")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    # no worker is left: the waiting submitter settles the expired lease itself
    with pytest.raises(CrashedRun, match="stopped renewing its lease"):
        future.result(timeout=30)
    assert get_store().runs.read_task_run(str(future.task_run_id))["state_type"] == "CRASHED"


def test_an_in_process_worker_and_done_callbacks() -> None:
    @task
    def shout(word: str) -> str:
        return word.upper()

    worker = TaskWorker(shout, limit=1, poll_seconds=0.02)
    thread = threading.Thread(target=worker.start)
    thread.start()
    try:
        future = shout.delay("hey")
        seen = threading.Event()
        future.add_done_callback(lambda f: seen.set())
        assert future.result(timeout=30) == "HEY"
        assert seen.wait(30)
        # a future travels (pickled) as its id and reads the same outcome elsewhere
        import cloudpickle

        assert cloudpickle.loads(cloudpickle.dumps(future)).result(timeout=5) == "HEY"
    finally:
        worker.stop()
        thread.join(30)
    assert worker.processed == 1


def test_bad_worker_arguments_are_clear_errors(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "headrace", "task", "serve", f"{tmp_path}/missing.py:nope"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "missing.py does not exist" in proc.stderr
    with pytest.raises(MissingResult, match="No background task run nope"):
        PrefectDistributedFuture("nope").result(timeout=5)
    with pytest.raises(TypeError, match="not a task"):
        TaskWorker(print)
    with pytest.raises(ValueError, match="limit"):
        TaskWorker(task(lambda: 1), limit=0)
