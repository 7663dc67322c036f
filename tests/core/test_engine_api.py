"""The public engine API (docs/engine.md): the two runner examples there, run for real."""

from __future__ import annotations

import contextvars
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from headrace import engine, flow, get_run_logger, task
from headrace.futures import PrefectFuture
from headrace.store.runs import list_flow_runs, list_logs, list_task_runs
from headrace.task_runners import TaskRunner, ThreadPoolTaskRunner


class OneThreadPerTask(TaskRunner):
    name = "one-thread-per-task"

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def duplicate(self) -> OneThreadPerTask:
        return OneThreadPerTask()

    def submit_run(self, task, task_run, parameters, wait_for=None):  # noqa: ANN001, ANN201
        future = PrefectFuture(task_run)
        machine = engine.TaskRunMachine(task, task_run, parameters, wait_for, future)
        run_in_context = contextvars.copy_context().run
        thread = threading.Thread(target=run_in_context, args=(engine.drive_sync, machine))
        self.threads.append(thread)
        thread.start()
        return future

    def __exit__(self, *exc: object) -> None:
        for thread in self.threads:
            thread.join()


class ProcessEachCall(ThreadPoolTaskRunner):
    def __init__(self, workers: ProcessPoolExecutor) -> None:
        super().__init__(max_workers=4)
        self.workers = workers

    def duplicate(self) -> ProcessEachCall:
        return ProcessEachCall(self.workers)

    def invoke(self, task, args, kwargs, timeout, ctx):  # noqa: ANN001, ANN201
        payload = engine.pack_call(task, args, kwargs, ctx)
        blob = self.workers.submit(engine.run_packed, payload, timeout).result()
        return engine.unpack_outcome(blob, ctx)


@task
def square(x: int) -> tuple[int, int, str]:
    get_run_logger().info("squaring %s", x)
    return x * x, os.getpid(), threading.current_thread().name


@task
def refuse(x: int) -> int:
    raise ValueError(f"no {x}")


@task(timeout_seconds=0.2)
def linger() -> None:
    time.sleep(30)


def test_a_runner_that_drives_machines_in_its_own_threads():
    @flow(task_runner=OneThreadPerTask())
    def pipeline() -> tuple[list, object]:
        futures = [square.submit(i) for i in range(4)]
        failed = refuse.submit(7)
        failed.wait()
        return [f.result() for f in futures], failed.state

    values, failed = pipeline()
    assert [value for value, _, _ in values] == [0, 1, 4, 9]
    assert {name for _, _, name in values} != {threading.current_thread().name}
    assert failed.is_failed() and "no 7" in str(failed.result(raise_on_failure=False))
    (run,) = list_flow_runs()
    assert sorted(row["state_type"] for row in list_task_runs(run["id"])) == [
        "COMPLETED",
        "COMPLETED",
        "COMPLETED",
        "COMPLETED",
        "FAILED",
    ]
    assert "squaring 3" in [log["message"] for log in list_logs(run["id"])]


@pytest.fixture(scope="module")
def workers():
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def test_a_runner_that_sends_each_call_to_another_process(workers):
    @flow(task_runner=ProcessEachCall(workers))
    def pipeline() -> tuple[list, object, object]:
        values = [f.result() for f in square.map([2, 3])]
        failed = refuse.submit(5)
        slow = linger.submit()
        failed.wait()
        slow.wait()
        return values, failed.state, slow.state

    values, failed, slow = pipeline()
    assert [value for value, _, _ in values] == [4, 9]
    assert all(pid != os.getpid() for _, pid, _ in values)
    assert failed.is_failed() and isinstance(failed.result(raise_on_failure=False), ValueError)
    assert slow.name == "TimedOut"  # enforced in the worker, reported here
    (run,) = list_flow_runs()
    messages = [log["message"] for log in list_logs(run["id"])]
    assert "squaring 3" in messages  # logged in the worker, recorded in this process
