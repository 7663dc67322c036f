"""Task runners: where `.submit()` and `.map()` run task runs.

`ThreadPoolTaskRunner` (the default) runs task runs in a bounded thread pool.
`ProcessPoolTaskRunner` keeps the engine in the flow's process and sends each
function call to a process pool. Plugins (Dask, Ray) subclass `TaskRunner`; all of
them register through the `register_task_runners` hook.
"""

from __future__ import annotations

import contextvars
import os
import threading
from typing import TYPE_CHECKING, Any

from headrace.futures import PrefectFuture, mark_worker_thread

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor

    from headrace.context import TaskRunContext
    from headrace.runs import TaskRun
    from headrace.states import State
    from headrace.tasks import Task


class TaskRunner:
    """Base class for task runners. Subclasses implement `submit` (and may override
    `invoke` to run the function elsewhere while the engine stays here)."""

    #: set by subclasses; shown by `headrace plugins`
    name: str = "task-runner"

    def duplicate(self) -> TaskRunner:
        """A fresh runner with the same configuration (one per flow run)."""
        raise NotImplementedError

    def __enter__(self) -> TaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(
        self, task: Task, task_run: TaskRun, parameters: dict[str, Any], wait_for: Any = None
    ) -> PrefectFuture:
        raise NotImplementedError

    @staticmethod
    def run_task_run(
        task: Task,
        task_run: TaskRun,
        parameters: dict[str, Any],
        wait_for: Any,
        future: PrefectFuture,
    ) -> State:
        """Run one task run to its final state in the current thread (sync or async task)."""
        from headrace.engine._task_run import TaskRunMachine, run_task_async, run_task_sync

        machine = TaskRunMachine(task, task_run, parameters, wait_for, future)
        if task.isasync:
            import asyncio

            return asyncio.run(run_task_async(machine))
        return run_task_sync(machine)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ThreadPoolTaskRunner(TaskRunner):
    """Runs task runs in a bounded pool of threads (default 32, or
    `HEADRACE_TASK_RUNNER_THREAD_POOL_MAX_WORKERS`)."""

    name = "thread-pool"

    def __init__(self, max_workers: int | None = None) -> None:
        if max_workers is not None and max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _worker_count(self) -> int:
        if self.max_workers is not None:
            return self.max_workers
        from headrace.settings import get_settings

        return get_settings().thread_pool_max_workers

    def duplicate(self) -> ThreadPoolTaskRunner:
        return type(self)(max_workers=self.max_workers)

    def __enter__(self) -> ThreadPoolTaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            with self._lock:
                if self._executor is None:
                    from concurrent.futures import ThreadPoolExecutor

                    self._executor = ThreadPoolExecutor(
                        max_workers=self._worker_count(),
                        thread_name_prefix="headrace-task",
                        initializer=mark_worker_thread,
                    )
        return self._executor

    def submit(
        self, task: Task, task_run: TaskRun, parameters: dict[str, Any], wait_for: Any = None
    ) -> PrefectFuture:
        future = PrefectFuture(task_run)
        context = contextvars.copy_context()

        def work() -> None:
            context.run(self.run_task_run, task, task_run, parameters, wait_for, future)

        cfuture: Future = self._pool().submit(work)
        future.attach(cfuture, work)
        cfuture.add_done_callback(_surface_engine_error(future))
        return future

    def __repr__(self) -> str:
        return f"ThreadPoolTaskRunner(max_workers={self.max_workers})"


def _surface_engine_error(future: PrefectFuture) -> Any:
    """If the engine itself died in a worker, settle the future so no one waits forever."""

    def callback(cfuture: Future) -> None:
        if cfuture.cancelled() or future.done():
            return
        error = cfuture.exception()
        if error is not None:
            from headrace.states import Crashed

            future.set_final_state(Crashed(message=f"Task runner error: {error!r}", data=error))

    return callback


#: Prefect 2's name, kept by Prefect 3 as an alias.
ConcurrentTaskRunner = ThreadPoolTaskRunner


class ProcessPoolTaskRunner(ThreadPoolTaskRunner):
    """Runs each task's function in a pool of worker processes (default: one per CPU).

    Arguments, results and exceptions cross processes with cloudpickle; states,
    retries, caching and records stay in the flow's process.
    """

    name = "process-pool"

    def __init__(self, max_workers: int | None = None) -> None:
        super().__init__(
            max_workers=max_workers if max_workers is not None else os.cpu_count() or 1
        )
        self._processes: ProcessPoolExecutor | None = None

    def duplicate(self) -> ProcessPoolTaskRunner:
        return type(self)(max_workers=self.max_workers)

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        processes, self._processes = self._processes, None
        if processes is not None:
            processes.shutdown(wait=True, cancel_futures=True)

    def _process_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._processes is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # spawn, not fork: forking a process with running threads can deadlock
                self._processes = ProcessPoolExecutor(
                    max_workers=self.max_workers, mp_context=multiprocessing.get_context("spawn")
                )
            return self._processes

    def invoke(
        self,
        task: Task,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        timeout: float | None,
        ctx: TaskRunContext,
    ) -> Any:
        """Called by the engine instead of `task.fn(...)`: run the function in a process."""
        from concurrent.futures import TimeoutError as FuturesTimeout
        from concurrent.futures.process import BrokenProcessPool

        from headrace.engine._remote import pack_call, run_packed, unpack_outcome
        from headrace.exceptions import CrashedRun, TaskRunTimeoutError

        if task.isasync:
            raise TypeError("ProcessPoolTaskRunner runs sync tasks only")
        pool = self._process_pool()
        try:
            blob = pool.submit(run_packed, pack_call(task, args, kwargs, ctx)).result(timeout)
        except FuturesTimeout:
            raise TaskRunTimeoutError(f"Task run exceeded timeout of {timeout} second(s)") from None
        except BrokenProcessPool as exc:
            with self._lock:
                if self._processes is pool:
                    self._processes = None
            raise CrashedRun(f"The worker process running this task died: {exc}") from exc
        return unpack_outcome(blob, ctx)

    def __repr__(self) -> str:
        return f"ProcessPoolTaskRunner(max_workers={self.max_workers})"


__all__ = [
    "ConcurrentTaskRunner",
    "ProcessPoolTaskRunner",
    "TaskRunner",
    "ThreadPoolTaskRunner",
]
