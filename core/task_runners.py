"""Task runners: where `.submit()` and `.map()` run task runs.

`ThreadPoolTaskRunner` (the default) runs task runs in a bounded thread pool.
`ProcessPoolTaskRunner` keeps the engine in the flow's process and sends each
function call to a process pool. Plugins (Dask, Ray) subclass `TaskRunner`; all of
them register through the `register_task_runners` hook.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from headrace import engine
from headrace._thread_pool import ThreadPool
from headrace.exceptions import CrashedRun
from headrace.futures import PrefectFuture, PrefectFutureList, TaskRunFuture
from headrace.settings import get_settings

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from headrace.context import TaskRunContext
    from headrace.run_records import TaskRun
    from headrace.states import State
    from headrace.tasks import Task


P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
F = TypeVar("F", bound=PrefectFuture)


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

    def __eq__(self, other: object) -> bool:
        """Runners are equal when they are of one type and configured alike."""
        if type(other) is not type(self):
            return NotImplemented
        return self._configuration() == other._configuration()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return id(self)

    def _configuration(self) -> dict[str, Any]:
        return {}

    def submit(
        self,
        task: Task,
        parameters: dict[str, Any],
        wait_for: Any = None,
        dependencies: Any = None,
    ) -> PrefectFuture:
        """Run `task` with `parameters` (a dict by name) in this runner; returns its
        future. Works inside a flow run and, on an entered runner, outside one."""
        return self._submit_calls(task, [dict(parameters)], wait_for)[0]

    def map(
        self, task: Task, parameters: dict[str, Any], wait_for: Any = None
    ) -> PrefectFutureList:
        """One run per element of the iterable values of `parameters` (`unmapped(x)`
        passes `x` whole to every run); returns their futures in order."""
        calls = engine.expand_map(dict(parameters), task.signature.var_keyword)
        return self._submit_calls(task, calls, wait_for)

    def _submit_calls(self, task: Task, calls: Any, wait_for: Any) -> PrefectFutureList:
        from headrace.context import FlowRunContext

        self._ensure_started()
        flow_ctx = FlowRunContext._var.get(None)
        # outside a flow, the runs must still know which runner calls their function
        token = engine.submitting_runner.set(self) if flow_ctx is None else None
        try:
            futures = PrefectFutureList()
            signature = task.signature
            for call in calls:
                bound = signature.bind((), call)
                run = task._new_run(bound, flow_ctx)
                futures.append(self.submit_run(task, run, bound, wait_for))
            return futures
        finally:
            if token is not None:
                engine.submitting_runner.reset(token)

    def _ensure_started(self) -> None:
        """Raise unless the runner can take work now (override when entering starts it)."""

    def submit_run(
        self, task: Task, task_run: TaskRun, parameters: dict[str, Any], wait_for: Any = None
    ) -> PrefectFuture:
        """Run a task run the caller made (Task.submit and Task.map come here)."""
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
        machine = engine.TaskRunMachine(task, task_run, parameters, wait_for, future)
        if task.isasync:
            import asyncio

            return asyncio.run(engine.drive_async(machine))
        return engine.drive_sync(machine)

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
        self._pool: ThreadPool | None = None

    def _worker_count(self) -> int:
        if self.max_workers is not None:
            return self.max_workers
        return get_settings().thread_pool_max_workers

    def duplicate(self) -> ThreadPoolTaskRunner:
        return type(self)(max_workers=self.max_workers)

    def __enter__(self) -> ThreadPoolTaskRunner:
        self._pool = ThreadPool(self._worker_count())
        return self

    def __exit__(self, *exc: object) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown()

    def _configuration(self) -> dict[str, Any]:
        return {"max_workers": self.max_workers}

    def _ensure_started(self) -> None:
        if self._pool is None:
            raise RuntimeError(
                f"Task runner is not started: use {type(self).__name__} as a context manager "
                "(`with runner:`) before submitting"
            )

    def submit_run(
        self, task: Task, task_run: TaskRun, parameters: dict[str, Any], wait_for: Any = None
    ) -> PrefectFuture:
        if self._pool is None:
            self._ensure_started()
        future = TaskRunFuture(task_run)
        context = contextvars.copy_context()
        future.bind_work(
            lambda: context.run(self.run_task_run, task, task_run, parameters, wait_for, future)
        )
        self._pool.submit(future)
        return future

    def __repr__(self) -> str:
        return f"ThreadPoolTaskRunner(max_workers={self.max_workers})"


#: Prefect 2's name, kept by Prefect 3 as an alias.
ConcurrentTaskRunner = ThreadPoolTaskRunner


class ProcessPoolTaskRunner(ThreadPoolTaskRunner):
    """Runs each task's function in a pool of worker processes (default: one per CPU).

    Arguments, results and exceptions cross processes with cloudpickle; states,
    retries, caching and records stay in the flow's process.
    """

    name = "process-pool"

    def __init__(
        self,
        max_workers: int | None = None,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        if max_workers is None:
            from headrace.settings import get_current_settings

            max_workers = get_current_settings().tasks.runner.process_pool_max_workers
        super().__init__(max_workers=max_workers)
        #: called with `initargs` in every worker process before it runs any task
        self._initializer = initializer
        self._initargs = tuple(initargs)
        self._executor: ProcessPoolExecutor | None = None
        self._process_lock = threading.Lock()

    def duplicate(self) -> ProcessPoolTaskRunner:
        return type(self)(
            max_workers=self.max_workers, initializer=self._initializer, initargs=self._initargs
        )

    def _configuration(self) -> dict[str, Any]:
        return {
            "max_workers": self.max_workers,
            "initializer": self._initializer,
            "initargs": self._initargs,
        }

    def __enter__(self) -> ProcessPoolTaskRunner:
        super().__enter__()
        self._process_pool()  # cheap: worker processes start with the first task
        return self

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        self._shutdown_processes()

    def cancel_all(self) -> None:
        """Stop the worker processes once the calls they run return (releasing their
        memory); the next task run starts a fresh pool."""
        self._shutdown_processes()

    def _shutdown_processes(self) -> None:
        with self._process_lock:
            processes, self._executor = self._executor, None
        if processes is not None:
            processes.shutdown(wait=True, cancel_futures=True)

    def _process_pool(self) -> ProcessPoolExecutor:
        with self._process_lock:
            if self._executor is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # spawn, not fork: forking a process with running threads can deadlock
                self._executor = ProcessPoolExecutor(
                    max_workers=self.max_workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=self._initializer,
                    initargs=self._initargs,
                )
            return self._executor

    def invoke(
        self,
        task: Task,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        timeout: float | None,
        ctx: TaskRunContext,
    ) -> Any:
        """Called by the engine instead of `task.fn(...)`: run the function in a process."""
        from concurrent.futures.process import BrokenProcessPool

        pool = self._process_pool()
        try:
            # the timeout is enforced in the worker, from the moment the function starts
            blob = pool.submit(
                engine.run_packed, engine.pack_call(task, args, kwargs, ctx), timeout
            ).result()
        except BrokenProcessPool as exc:
            with self._process_lock:
                if self._executor is pool:
                    self._executor = None
            raise CrashedRun(f"The worker process running this task died: {exc}") from exc
        return engine.unpack_outcome(blob, ctx)

    def __repr__(self) -> str:
        return f"ProcessPoolTaskRunner(max_workers={self.max_workers})"


class PrefectTaskRunner(TaskRunner):
    """Hands each submitted task run to task workers as a background run (what
    `Task.apply_async` does): a flow with this runner needs workers serving its tasks
    (`Task.serve`, `headrace task serve`). Futures are PrefectDistributedFutures."""

    name = "prefect"

    def __init__(self) -> None:
        self._started = False

    def duplicate(self) -> PrefectTaskRunner:
        return type(self)()

    def __enter__(self) -> PrefectTaskRunner:
        self._started = True
        return self

    def __exit__(self, *exc: object) -> None:
        self._started = False

    def _ensure_started(self) -> None:
        if not self._started:
            raise RuntimeError(
                "Task runner is not started: use PrefectTaskRunner as a context manager "
                "(`with runner:`) before submitting"
            )

    def submit_run(
        self, task: Task, task_run: TaskRun, parameters: dict[str, Any], wait_for: Any = None
    ) -> PrefectFuture:
        from headrace.background import submit  # deferred: only this runner queues runs
        from headrace.context import FlowRunContext

        flow_ctx = FlowRunContext._var.get(None)
        if flow_ctx is not None:
            flow_ctx.logger.info(f"Submitting task {task.name} for execution by a task worker...")
        return submit(task, kwargs=parameters, wait_for=wait_for)

    def __repr__(self) -> str:
        return "PrefectTaskRunner()"


__all__ = [
    "PrefectTaskRunner",
    "ConcurrentTaskRunner",
    "ProcessPoolTaskRunner",
    "TaskRunner",
    "ThreadPoolTaskRunner",
]
