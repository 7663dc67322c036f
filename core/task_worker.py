"""Task workers: processes that run background task runs (`Task.delay`) from the store.

`serve(task_a, task_b, limit=10)` (or `task_a.serve()`, or `headrace task serve
tasks.py:task_a`) claims queued runs of those tasks and runs each through the engine,
as a task run with its states, retries, logs and hooks. Several workers, on this machine
or others sharing the database or server, may serve the same tasks: a claim is atomic,
so each run executes once. A worker holds its runs under leases it renews; if it dies
(even by SIGKILL) the lease expires and the run goes back to the queue while the task
has retries left, else it is marked Crashed and its future raises.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from headrace.background import background_key, load_call, pack_outcome
from headrace.engine import TaskRunMachine, drive_async, drive_sync
from headrace.run_records import TaskRun, new_run_id
from headrace.states import Failed, State, StateType
from headrace.store import get_store
from headrace.store import runs as records

logger = logging.getLogger("headrace.task_worker")

#: seconds a claimed run stays held without a renewal; renewed every third of it
DEFAULT_LEASE_SECONDS = 30.0
#: seconds between looks at the queue while idle
DEFAULT_POLL_SECONDS = 0.2

_OUTCOME_STATUS = {
    StateType.COMPLETED: "completed",
    StateType.FAILED: "failed",
    StateType.CRASHED: "crashed",
    StateType.CANCELLED: "failed",
}


class _QueuedRunMachine(TaskRunMachine):
    """A task run whose record the submitter created (Scheduled): states update it."""

    def _set_initial(self, state: State) -> None:
        self.state = self.task_run.state = state
        records.record_task_run_state(self.store, self.task_run)


class TaskWorker:
    """Serves background runs of `tasks`, at most `limit` at once (None: no limit)."""

    def __init__(
        self,
        *tasks: Any,
        limit: int | None = 10,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
    ) -> None:
        if not tasks:
            raise ValueError("a task worker needs at least one task to serve")
        for task in tasks:
            if not (hasattr(task, "fn") and hasattr(task, "signature")):
                raise TypeError(f"{task!r} is not a task (decorate the function with @task)")
        if limit is not None and limit < 1:
            raise ValueError(f"limit must be at least 1 (or None for no limit), got {limit!r}")
        if lease_seconds <= 0:
            raise ValueError("lease_seconds must be > 0")
        self.tasks = {background_key(task): task for task in tasks}
        self.limit = limit
        self.lease_seconds = float(lease_seconds)
        self.poll_seconds = float(poll_seconds)
        self.id = new_run_id()
        self.store = get_store()
        self._running: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.processed = 0

    @property
    def task_keys(self) -> set[str]:
        return set(self.tasks)

    def stop(self) -> None:
        """Take no more runs; `start` returns once the running ones ended."""
        self._stopping.set()

    # -- the loop --------------------------------------------------------------------------
    def start(self, timeout: float | None = None) -> None:
        """Claim and run until `stop()` (or `timeout` seconds), then wait for the runs
        in progress, renewing their leases meanwhile."""
        names = ", ".join(sorted(task.name for task in self.tasks.values()))
        logger.info("Task worker %s serving %s", self.id[:8], names)
        deadline = None if timeout is None else time.monotonic() + timeout
        renew_every = self.lease_seconds / 3
        next_renew = time.monotonic() + renew_every
        while not self._stopping.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                break
            claimed = self._claim()
            if time.monotonic() >= next_renew:
                self._renew()
                next_renew = time.monotonic() + renew_every
            if not claimed:
                self._stopping.wait(min(self.poll_seconds, renew_every))
        self._stopping.set()
        while self._running_ids():
            self._renew()
            self._wait_for_runs(renew_every)
        logger.info("Task worker %s stopped after %d run(s)", self.id[:8], self.processed)

    def _running_ids(self) -> list[str]:
        with self._lock:
            return list(self._running)

    def _wait_for_runs(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        for thread in list(self._running.values()):
            thread.join(max(0.0, end - time.monotonic()))

    def _claim(self) -> int:
        free = 64 if self.limit is None else self.limit - len(self._running_ids())
        if free <= 0:
            return 0
        rows = self.store.task_queue.claim(
            list(self.tasks), self.id, records.RUN_OWNER, self.lease_seconds, free
        )
        for row in rows:
            thread = threading.Thread(
                target=self._execute, args=(row,), name=f"headrace-task-{row['task_name']}"
            )
            with self._lock:
                self._running[row["task_run_id"]] = thread
            thread.start()
        return len(rows)

    def _renew(self) -> None:
        running = self._running_ids()
        if not running:
            return
        for run_id in self.store.task_queue.renew(running, self.id, self.lease_seconds):
            logger.warning("Task worker %s lost its lease on task run %s", self.id[:8], run_id)

    # -- one run ---------------------------------------------------------------------------
    def _execute(self, row: dict[str, Any]) -> None:
        run_id = row["task_run_id"]
        try:
            try:
                state = self._run(row)
            except Exception as exc:  # the call could not even start (e.g. unpicklable)
                state = Failed(message=f"The task worker could not start the run: {exc!r}")
                state.data = exc
                self.store.runs.set_task_run_state(run_id, "FAILED", "Failed", state.message)
            self.store.flush()  # the run's records before its outcome, for the submitter
            status = _OUTCOME_STATUS.get(state.type, "failed")
            if not self.store.task_queue.complete(
                run_id, self.id, status, state.name, state.message, pack_outcome(state)
            ):
                logger.warning("Task run %s ended after this worker lost its lease", run_id)
            self.processed += 1
        except BaseException:  # noqa: BLE001 - the lease expires and the queue decides
            logger.exception("Task worker %s could not run task run %s", self.id[:8], run_id)
        finally:
            with self._lock:
                self._running.pop(run_id, None)

    def _run(self, row: dict[str, Any]) -> State:
        task = self.tasks[row["task_key"]]
        parameters, wait_for, context = load_call(row["payload"])
        run = TaskRun(task.name, task.task_key, None, parameters, set(context["tags"]))
        run.id = run.dynamic_key = row["task_run_id"]
        run.name = f"{task.name}-{run.id[-3:]}"
        machine = _QueuedRunMachine(task, run, parameters, wait_for)
        if task.isasync:
            return asyncio.run(drive_async(machine))
        return drive_sync(machine)


async def read_parameters(result_store: Any, parameters_id: UUID | str) -> dict[str, Any]:
    """The call a background run was queued with, by its `task_parameters_id`:
    `{"context": ...}` with `"parameters"` and `"wait_for"` where it had any.

    headrace keeps the call with the queued run in the store (so task workers need no
    shared result storage); `result_store` is accepted for Prefect's signature."""
    payload = get_store().task_queue.read_call(str(parameters_id))
    if payload is None:
        raise KeyError(f"No background task run with parameters id {parameters_id}")
    parameters, wait_for, context = load_call(payload)
    call: dict[str, Any] = {"context": context}
    if parameters:
        call["parameters"] = parameters
    if wait_for:
        call["wait_for"] = wait_for
    return call


def load_task(entrypoint: str) -> Any:
    """A task from `path/to/file.py:name` or `package.module:name`."""
    module_name, sep, attribute = entrypoint.rpartition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(
            f"{entrypoint!r} is not an entrypoint: use 'file.py:task' or 'module:task'"
        )
    try:
        module = _import(module_name)
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError(f"{entrypoint!r}: importing {module_name} failed: {exc!r}") from exc
    try:
        task = getattr(module, attribute)
    except AttributeError:
        raise ValueError(f"{entrypoint!r}: {module_name} has no {attribute!r}") from None
    if not (hasattr(task, "fn") and hasattr(task, "apply_async")):
        raise ValueError(f"{entrypoint!r} is not a task (decorate it with @task)")
    return task


def _import(module_name: str) -> Any:
    if not module_name.endswith(".py"):
        sys.path.insert(0, str(Path.cwd()))
        return importlib.import_module(module_name)
    path = Path(module_name).resolve()
    if not path.is_file():
        raise ValueError(f"{module_name} does not exist")
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def serve(
    *tasks: Any,
    limit: int | None = 10,
    status_server: bool = False,
    timeout: float | None = None,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
) -> None:
    """Serve background runs of `tasks` in this process until SIGINT/SIGTERM (or
    `timeout` seconds); the runs in progress finish first."""
    if status_server:
        raise NotImplementedError(
            "headrace's task workers have no status server; see docs/compatibility.md"
        )
    worker = TaskWorker(*tasks, limit=limit, lease_seconds=lease_seconds)
    restore = _stop_on_signals(worker)
    try:
        worker.start(timeout=timeout)
    finally:
        restore()


async def aserve(
    *tasks: Any,
    limit: int | None = 10,
    status_server: bool = False,
    timeout: float | None = None,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
) -> None:
    """`serve` for async code: the worker runs in a thread; cancelling stops it."""
    if status_server:
        raise NotImplementedError(
            "headrace's task workers have no status server; see docs/compatibility.md"
        )
    worker = TaskWorker(*tasks, limit=limit, lease_seconds=lease_seconds)
    try:
        await asyncio.to_thread(worker.start, timeout)
    finally:
        worker.stop()


def _stop_on_signals(worker: TaskWorker) -> Any:
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {}

    def handle(signum: int, frame: Any) -> None:
        logger.info("Task worker %s stopping (signal %d)", worker.id[:8], signum)
        worker.stop()

    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, handle)

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore


__all__ = ["TaskWorker", "aserve", "load_task", "read_parameters", "serve"]
