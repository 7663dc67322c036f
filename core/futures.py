"""Futures for submitted task runs, with Prefect 3's interface.

A future is settled once, with the task run's final state. A worker thread that waits
on a future whose work has not started yet runs that work itself ("steals" it), so
nested submissions cannot deadlock a bounded thread pool.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from headrace.states import Pending, State

if TYPE_CHECKING:
    from concurrent.futures import Future as _CFuture

    from headrace.runs import TaskRun

_worker = threading.local()


def mark_worker_thread() -> None:
    """Called by task-runner threads: waits from here may run pending work inline."""
    _worker.is_worker = True


class PrefectFuture:
    """The eventual final state of a task run submitted to a task runner."""

    __slots__ = ("task_run", "_state", "_done", "_callbacks", "_lock", "_cfuture", "_work")

    def __init__(self, task_run: TaskRun) -> None:
        self.task_run = task_run
        self._state: State | None = None
        self._done = threading.Event()
        self._callbacks: list[Callable[[PrefectFuture], Any]] = []
        self._lock = threading.Lock()
        self._cfuture: _CFuture[Any] | None = None
        self._work: Callable[[], Any] | None = None

    @property
    def task_run_id(self) -> str:
        return self.task_run.id

    @property
    def state(self) -> State:
        """The final state once done; until then the task run's current state."""
        if self._state is not None:
            return self._state
        return self.task_run.state or Pending()

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the task run to finish (at most `timeout` seconds)."""
        if self._done.is_set():
            return
        if getattr(_worker, "is_worker", False) and self._try_steal():
            return
        self._done.wait(timeout)

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        """The task's return value; raises its exception if it failed and `raise_on_failure`."""
        self.wait(timeout)
        if not self._done.is_set():
            raise TimeoutError(
                f"Task run {self.task_run.id} did not complete within {timeout} seconds"
            )
        assert self._state is not None
        return self._state.result(raise_on_failure=raise_on_failure)

    async def aresult(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        import asyncio

        if not self._done.is_set():
            await asyncio.to_thread(self.wait, timeout)
        return self.result(timeout=0, raise_on_failure=raise_on_failure)

    def add_done_callback(self, fn: Callable[[PrefectFuture], Any]) -> None:
        """Call `fn(future)` when the run finishes (at once if it already has)."""
        with self._lock:
            if not self._done.is_set():
                self._callbacks.append(fn)
                return
        fn(self)

    # -- used by task runners --------------------------------------------------------------
    def attach(self, cfuture: _CFuture[Any], work: Callable[[], Any]) -> None:
        self._cfuture, self._work = cfuture, work

    def _try_steal(self) -> bool:
        cfuture, work = self._cfuture, self._work
        if cfuture is None or work is None or not cfuture.cancel():
            return False
        work()
        return True

    def set_final_state(self, state: State) -> None:
        with self._lock:
            self._state = state
            self._done.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self)

    def __repr__(self) -> str:
        return f"PrefectFuture(task_run={self.task_run.name!r}, state={self.state})"

    def __await__(self) -> Any:
        raise TypeError(
            "object PrefectFuture can't be used in 'await' expression: futures are "
            "synchronous; call .result() (or `await future.aresult()`)"
        )


#: The name headrace's docs use; Prefect code says PrefectFuture.
TaskRunFuture = PrefectFuture


class PrefectFutureList(list):
    """The futures of a `.map()` call."""

    def wait(self, timeout: float | None = None) -> None:
        wait(self, timeout=timeout)

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> list[Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        results = []
        for future in self:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            results.append(future.result(timeout=remaining, raise_on_failure=raise_on_failure))
        return results


class DoneAndNotDoneFutures(NamedTuple):
    done: set[PrefectFuture]
    not_done: set[PrefectFuture]


def wait(futures: Iterable[PrefectFuture], timeout: float | None = None) -> DoneAndNotDoneFutures:
    """Wait for all futures (at most `timeout` seconds); report which finished."""
    futures = list(futures)
    deadline = None if timeout is None else time.monotonic() + timeout
    for future in futures:
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        future.wait(remaining)
    done = {future for future in futures if future.done()}
    return DoneAndNotDoneFutures(done, set(futures) - done)


def as_completed(
    futures: Iterable[PrefectFuture], timeout: float | None = None
) -> Iterator[PrefectFuture]:
    """Yield futures as they finish; TimeoutError if some are still running at `timeout`."""
    pending = list(dict.fromkeys(futures))
    finished: list[PrefectFuture] = []
    signal = threading.Condition()

    def _on_done(future: PrefectFuture) -> None:
        with signal:
            finished.append(future)
            signal.notify_all()

    for future in pending:
        future.add_done_callback(_on_done)
    deadline = None if timeout is None else time.monotonic() + timeout
    yielded = 0
    while yielded < len(pending):
        with signal:
            while len(finished) <= yielded:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(
                        f"{len(pending) - yielded} (of {len(pending)}) futures unfinished "
                        f"after {timeout} seconds"
                    )
                signal.wait(remaining)
            batch = finished[yielded:]
        for future in batch:
            yielded += 1
            yield future


def resolve_futures_to_states(value: Any) -> Any:
    """Replace futures (also inside lists, tuples, sets, dicts) by their final states."""
    from headrace.engine._inputs import visit_collection

    return visit_collection(value, lambda item: _wait_state(item))


def resolve_futures_to_results(value: Any) -> Any:
    """Replace futures (also inside collections) by their results."""
    from headrace.engine._inputs import visit_collection

    return visit_collection(value, lambda item: _wait_state(item).result())


def _wait_state(future: PrefectFuture) -> State:
    future.wait()
    return future.state


__all__ = [
    "DoneAndNotDoneFutures",
    "PrefectFuture",
    "PrefectFutureList",
    "TaskRunFuture",
    "as_completed",
    "resolve_futures_to_results",
    "resolve_futures_to_states",
    "wait",
]
