"""Task runners: where `.submit()` and `.map()` run task runs.

`ThreadPoolTaskRunner` (the default) runs task runs in a bounded thread pool.
`ProcessPoolTaskRunner` keeps the engine in the flow's process and sends each
function call to a process pool. Plugins (Dask, Ray) subclass `TaskRunner`; all of
them register through the `register_task_runners` hook.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import functools
import logging
import os
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from headrace import engine
from headrace._thread_pool import ThreadPool
from headrace.engine import set_api_log_sink
from headrace.events.worker import EventsWorker
from headrace.exceptions import CrashedRun
from headrace.futures import PrefectFuture, PrefectFutureList, TaskRunFuture
from headrace.logging.handlers import APILogWorker
from headrace.settings import get_settings

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from headrace.context import FlowRunContext, TaskRunContext
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
        self._executor: ThreadPool | None = None

    def _worker_count(self) -> int:
        if self.max_workers is not None:
            return self.max_workers
        return get_settings().thread_pool_max_workers

    def duplicate(self) -> ThreadPoolTaskRunner:
        return type(self)(max_workers=self.max_workers)

    def __enter__(self) -> ThreadPoolTaskRunner:
        self._executor = ThreadPool(self._worker_count())
        return self

    def __exit__(self, *exc: object) -> None:
        pool, self._executor = self._executor, None
        if pool is not None:
            pool.shutdown()

    def _configuration(self) -> dict[str, Any]:
        return {"max_workers": self.max_workers}

    def __getstate__(self) -> dict[str, Any]:
        """A started runner pickles as a stopped one (a flow sent to a worker carries its
        runner; the pool of threads stays here)."""
        return {**self.__dict__, "_executor": None}

    def _ensure_started(self) -> None:
        if self._executor is None:
            raise RuntimeError(
                f"Task runner is not started: use {type(self).__name__} as a context manager "
                "(`with runner:`) before submitting"
            )

    def submit_run(
        self, task: Task, task_run: TaskRun, parameters: dict[str, Any], wait_for: Any = None
    ) -> PrefectFuture:
        if self._executor is None:
            self._ensure_started()
        return _submit_on_threads(self, self._executor, task, task_run, parameters, wait_for)

    def __repr__(self) -> str:
        return f"ThreadPoolTaskRunner(max_workers={self.max_workers})"


#: Prefect 2's name, kept by Prefect 3 as an alias.
ConcurrentTaskRunner = ThreadPoolTaskRunner


def _submit_on_threads(
    runner: TaskRunner,
    threads: ThreadPool,
    task: Task,
    task_run: TaskRun,
    parameters: dict[str, Any],
    wait_for: Any,
) -> PrefectFuture:
    """Queue a task run on `threads`, to be driven in the caller's context."""
    future = TaskRunFuture(task_run)
    context = contextvars.copy_context()
    future.bind_work(
        lambda: context.run(runner.run_task_run, task, task_run, parameters, wait_for, future)
    )
    threads.submit(future)
    return future


#: the kinds of messages a process pool's workers send to the flow's process
_PROCESS_POOL_MESSAGE_TYPE_EVENT = "event"
_PROCESS_POOL_MESSAGE_TYPE_LOG = "log"
#: put on the message queue to stop the thread that forwards messages
_PROCESS_POOL_MESSAGE_QUEUE_SHUTDOWN = "__headrace_process_pool_message_queue_shutdown__"

#: a message processor takes (type, payload) and returns it (changed or not), or None
#: to drop the message; a factory makes one processor per runner start
SubprocessMessageProcessor = Callable[[str, Any], "tuple[str, Any] | None"]
SubprocessMessageProcessorFactory = Callable[[], SubprocessMessageProcessor]

_logger = logging.getLogger("headrace.task_runner.process_pool")
#: how long a task run waits for the log records its call forwarded (they travel on
#: their own queue, beside the outcome) before its state is decided without them
_LOG_DELIVERY_SECONDS = 5.0


def _enqueue_process_pool_log(message_queue: Any, log: dict[str, Any]) -> None:
    message_queue.put((_PROCESS_POOL_MESSAGE_TYPE_LOG, log))


def _initialize_process_pool_worker(
    message_queue: Any | None = None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> None:
    """Start of each worker process: its run log records go to the flow's process as
    they are made (through `message_queue`); then the user's `initializer` runs."""
    if message_queue is None:
        set_api_log_sink(None)
    else:
        set_api_log_sink(functools.partial(_enqueue_process_pool_log, message_queue))
    if initializer is not None:
        initializer(*initargs)


#: worker side: the runner context last applied, its log fields and the flow run
#: context the calls run in (a call applies the context only when it is a new one)
_applied_context: bytes | None = None
_worker_log_fields: dict[str, Any] = {}
_worker_flow_context: FlowRunContext | None = None
#: worker side: where task runs submitted inside a call run (this process's threads)
_worker_threads: ThreadPoolTaskRunner | None = None


def _run_in_worker(payload: bytes, timeout: float | None, context: bytes) -> bytes:
    """Worker side of one call: apply the runner's context (the environment and
    settings of the flow's process, the flow run's log fields and identity), then run
    the call inside that flow run, so that tasks it calls or submits are task runs of
    the flow run (submitted ones run on this process's threads)."""
    global _applied_context, _worker_log_fields, _worker_flow_context
    if context != _applied_context:
        import cloudpickle

        shared = cloudpickle.loads(context)
        os.environ.update(shared["env"])
        _worker_log_fields = shared["context"]["log_fields"]
        _worker_flow_context = _flow_context_in_worker(shared["context"].get("flow_run"))
        _applied_context = context
    flow_ctx = _worker_flow_context
    if flow_ctx is None:
        return engine.run_packed(payload, timeout, _worker_log_fields)
    from headrace.context import FlowRunContext

    runs_before = sum(flow_ctx.task_counts.values())
    token = FlowRunContext._var.set(flow_ctx)
    try:
        return engine.run_packed(payload, timeout, _worker_log_fields)
    finally:
        FlowRunContext._var.reset(token)
        if sum(flow_ctx.task_counts.values()) != runs_before:
            from headrace.store import get_store

            get_store().flush()  # the task runs made here are in before the outcome


def _flow_context_in_worker(flow_run: dict[str, Any] | None) -> FlowRunContext | None:
    """The flow run the calls belong to, as seen in a worker process."""
    global _worker_threads
    if flow_run is None or flow_run.get("flow") is None:
        return None
    from headrace.context import FlowRunContext
    from headrace.logging.loggers import flow_run_logger
    from headrace.run_records import FlowRun

    run = FlowRun(
        flow_run["flow_name"],
        {},
        flow_run["tags"],
        name=flow_run["name"],
        run_id=flow_run["id"],
    )
    if _worker_threads is None:
        _worker_threads = ThreadPoolTaskRunner().__enter__()
    flow = flow_run["flow"]
    return FlowRunContext(
        flow, run, _worker_threads, {}, None, flow_run["log_prints"], flow_run_logger(run, flow)
    )


def _picklable_or_none(value: Any) -> Any:
    """`value` if cloudpickle can send it to a worker, else None."""
    import cloudpickle

    try:
        cloudpickle.dumps(value)
    except Exception:
        return None
    return value


class _UnpicklingFuture(concurrent.futures.Future):
    """A view of a future of cloudpickled bytes that gives the unpickled value. A value
    that cannot be unpickled is the view's exception; done-callbacks always run."""

    def __init__(self, wrapped_future: concurrent.futures.Future) -> None:
        super().__init__()
        self.wrapped_future = wrapped_future
        self._error: BaseException | None = None

    def _load(self) -> Any:
        import cloudpickle

        try:
            return cloudpickle.loads(self.wrapped_future.result())
        except BaseException as error:
            if self.wrapped_future.exception() is None:  # the bytes, not the call
                self._error = error
            raise

    def result(self, timeout: float | None = None) -> Any:
        if self._error is not None:
            raise self._error
        self.wrapped_future.result(timeout)
        return self._load()

    def exception(self, timeout: float | None = None) -> BaseException | None:
        if self._error is not None:
            return self._error
        return self.wrapped_future.exception(timeout)

    def done(self) -> bool:
        return self.wrapped_future.done()

    def cancelled(self) -> bool:
        return self.wrapped_future.cancelled()

    def cancel(self) -> bool:
        return self.wrapped_future.cancel()

    def add_done_callback(self, fn: Callable[[concurrent.futures.Future], object]) -> None:
        def settled(_wrapped: concurrent.futures.Future) -> None:
            if not self.wrapped_future.cancelled() and self.wrapped_future.exception() is None:
                try:
                    self._load()
                except Exception:
                    pass  # kept as the view's exception
            fn(self)

        self.wrapped_future.add_done_callback(settled)


class ProcessPoolTaskRunner(TaskRunner):
    """Runs each task's function in a pool of worker processes (default: one per CPU,
    or `PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS`).

    Arguments, results and exceptions cross processes with cloudpickle; states,
    retries, caching and records stay in the flow's process. Run log records made in
    a worker reach the flow's process as they are made, through a queue, passing
    `subprocess_message_processor_factories`' processors first (each may change or
    drop a message). The worker processes see the environment and settings in force
    when the runner first submitted (`_cached_env`).
    """

    name = "process-pool"

    def __init__(
        self,
        max_workers: int | None = None,
        subprocess_message_processor_factories: (
            Iterable[SubprocessMessageProcessorFactory] | None
        ) = None,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        if max_workers is not None and max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if max_workers is None:
            from headrace.settings import get_current_settings

            max_workers = get_current_settings().tasks.runner.process_pool_max_workers
        self._max_workers: int = max_workers or (os.cpu_count() or 1)
        #: called with `initargs` in every worker process before it runs any task
        self._initializer = initializer
        self._initargs = tuple(initargs)
        self._started = False
        self._subprocess_message_processor_factories: tuple[
            SubprocessMessageProcessorFactory, ...
        ] = tuple(subprocess_message_processor_factories or ())
        #: engine threads: each drives one task run and waits on its call's process
        self._threads: ThreadPool | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._process_lock = threading.Lock()
        self._subprocess_message_queue: Any | None = None
        self._message_forwarding_thread: threading.Thread | None = None
        #: log records forwarded per task run id and not yet claimed by its call
        self._forwarded: dict[str, int] = {}
        self._forwarded_changed = threading.Condition()
        #: what every call of this runner's lifetime shares, made on the first submit
        self._cached_context: dict[str, Any] | None = None
        self._cached_env: dict[str, str] | None = None
        self._context_blob: bytes | None = None

    @property
    def max_workers(self) -> int:
        return self._max_workers

    @property
    def subprocess_message_processor_factories(
        self,
    ) -> tuple[SubprocessMessageProcessorFactory, ...]:
        """Factories of the processors each worker message passes, in order."""
        return getattr(self, "_subprocess_message_processor_factories", ())

    @subprocess_message_processor_factories.setter
    def subprocess_message_processor_factories(
        self, factories: Iterable[SubprocessMessageProcessorFactory] | None
    ) -> None:
        if getattr(self, "_started", False):
            raise RuntimeError(
                "Cannot configure subprocess message processor factories while task runner "
                "is started"
            )
        self._subprocess_message_processor_factories = tuple(factories or ())

    def set_subprocess_message_processor_factories(
        self, factories: Iterable[SubprocessMessageProcessorFactory] | None
    ) -> None:
        """Same as assigning `subprocess_message_processor_factories`."""
        self.subprocess_message_processor_factories = factories

    def duplicate(self) -> ProcessPoolTaskRunner:
        # configured after construction, so subclasses that take fewer arguments work
        copy = type(self)(max_workers=self._max_workers)
        copy._initializer = getattr(self, "_initializer", None)
        copy._initargs = getattr(self, "_initargs", ())
        copy.subprocess_message_processor_factories = self.subprocess_message_processor_factories
        return copy

    def _configuration(self) -> dict[str, Any]:
        return {
            "max_workers": self._max_workers,
            "initializer": self._initializer,
            "initargs": self._initargs,
            "processors": self.subprocess_message_processor_factories,
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProcessPoolTaskRunner):
            return NotImplemented
        return self._configuration() == other._configuration()

    __hash__ = TaskRunner.__hash__

    def __enter__(self) -> ProcessPoolTaskRunner:
        self._threads = ThreadPool(self._max_workers)
        self._started = True
        try:
            self._process_pool()  # cheap: worker processes start with the first task
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        threads, self._threads = self._threads, None
        if threads is not None:
            threads.shutdown()
        self.cancel_all()
        self._started = False

    def __getstate__(self) -> dict[str, Any]:
        """Only the configuration travels (a flow sent to a worker carries its runner)."""
        return {
            "max_workers": self._max_workers,
            "factories": self.subprocess_message_processor_factories,
            "initializer": getattr(self, "_initializer", None),
            "initargs": getattr(self, "_initargs", ()),
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        ProcessPoolTaskRunner.__init__(
            self,
            state["max_workers"],
            state["factories"],
            state["initializer"],
            state["initargs"],
        )

    def _ensure_started(self) -> None:
        if self._threads is None:
            raise RuntimeError(
                "Task runner is not started: use ProcessPoolTaskRunner as a context manager "
                "(`with runner:`) before submitting"
            )

    def cancel_all(self) -> None:
        """Stop the worker processes once the calls they run return (releasing their
        memory); the next task run starts a fresh pool, with the context of that time."""
        with self._process_lock:
            processes, self._executor = self._executor, None
            self._cached_context = self._cached_env = self._context_blob = None
        if processes is not None:
            processes.shutdown(wait=True, cancel_futures=True)
        self._stop_message_forwarding()

    def _process_pool(self) -> ProcessPoolExecutor:
        with self._process_lock:
            if self._executor is None:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                # spawn, not fork: forking a process with running threads can deadlock
                mp_context = multiprocessing.get_context("spawn")
                self._start_message_forwarding(mp_context)
                self._executor = ProcessPoolExecutor(
                    max_workers=self._max_workers,
                    mp_context=mp_context,
                    initializer=_initialize_process_pool_worker,
                    initargs=(
                        self._subprocess_message_queue,
                        getattr(self, "_initializer", None),
                        getattr(self, "_initargs", ()),
                    ),
                )
            return self._executor

    # -- what the calls share --------------------------------------------------------------
    def _shared_context(self) -> bytes:
        """The pickled context every call of this runner's lifetime carries, made on the
        first submit: the flow's environment and settings, the flow run's log fields."""
        blob = self._context_blob
        if blob is None:
            import cloudpickle

            from headrace.context import FlowRunContext
            from headrace.settings import get_current_settings

            flow_ctx = FlowRunContext._var.get(None)
            context: dict[str, Any] = {"log_fields": {}, "flow_run": None}
            if flow_ctx is not None:
                run = flow_ctx.flow_run
                context["log_fields"] = {"flow_run_name": run.name, "flow_name": run.flow_name}
                context["flow_run"] = {
                    "id": run.id,
                    "name": run.name,
                    "flow_name": run.flow_name,
                    "tags": set(run.tags),
                    "log_prints": flow_ctx.log_prints,
                    "flow": _picklable_or_none(flow_ctx.flow),
                }
            env = get_current_settings().to_environment_variables(exclude_unset=True) | dict(
                os.environ
            )
            blob = cloudpickle.dumps({"context": context, "env": env})
            with self._process_lock:
                if self._context_blob is None:
                    self._cached_context, self._cached_env = context, env
                    self._context_blob = blob
                blob = self._context_blob
        return blob

    def submit_run(
        self, task: Task, task_run: TaskRun, parameters: dict[str, Any], wait_for: Any = None
    ) -> PrefectFuture:
        self._ensure_started()
        self._shared_context()
        return _submit_on_threads(self, self._threads, task, task_run, parameters, wait_for)

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
            call = pool.submit(
                _run_in_worker,
                engine.pack_call(task, args, kwargs, ctx),
                timeout,
                self._shared_context(),
            )
            outcome = _UnpicklingFuture(call).result()
        except BrokenProcessPool as exc:
            with self._process_lock:
                if self._executor is pool:
                    self._executor = None
            raise CrashedRun(f"The worker process running this task died: {exc}") from exc
        self._claim_forwarded_logs(str(ctx.task_run.id), outcome[2])
        return engine.deliver_outcome(outcome, ctx)

    # -- messages from the worker processes ------------------------------------------------
    def _start_message_forwarding(self, mp_context: Any) -> None:
        if self._message_forwarding_thread is not None:
            return
        self._subprocess_message_queue = mp_context.Queue()
        self._message_forwarding_thread = threading.Thread(
            target=self._forward_subprocess_messages,
            name="headrace-process-pool-messages",
            daemon=True,
        )
        self._message_forwarding_thread.start()

    def _claim_forwarded_logs(self, task_run_id: str, count: int) -> None:
        """Wait (boundedly) until the `count` records this call forwarded have been
        delivered, so a run's logs are in before its final state."""
        if not count:
            return
        with self._forwarded_changed:
            self._forwarded_changed.wait_for(
                lambda: self._forwarded.get(task_run_id, 0) >= count, _LOG_DELIVERY_SECONDS
            )
            left = self._forwarded.get(task_run_id, 0) - count
            if left > 0:
                self._forwarded[task_run_id] = left
            else:
                self._forwarded.pop(task_run_id, None)

    def _process_subprocess_message(
        self, message_type: str, payload: Any, processors: tuple[SubprocessMessageProcessor, ...]
    ) -> tuple[str, Any] | None:
        for processor in processors:
            try:
                processed = processor(message_type, payload)
            except Exception:
                _logger.exception("Dropping a worker message: processor %r raised", processor)
                return None
            if processed is None:
                return None
            if not (
                isinstance(processed, tuple)
                and len(processed) == 2
                and isinstance(processed[0], str)
            ):
                _logger.warning(
                    "Dropping a worker message: processor %r returned %r, not (type, payload)",
                    processor,
                    processed,
                )
                return None
            message_type, payload = processed
        return message_type, payload

    def _forward_subprocess_messages(self) -> None:
        """The forwarding thread: deliver each worker message (after the processors)
        until the shutdown marker arrives or the queue closes."""
        message_queue = self._subprocess_message_queue
        if message_queue is None:
            return
        processors = []
        for factory in self.subprocess_message_processor_factories:
            try:
                processors.append(factory())
            except Exception:
                _logger.exception("Ignoring message processor factory %r: it raised", factory)
        chain = tuple(processors)
        log_worker: Any = None
        events_worker: Any = None
        disabled: set[str] = set()
        while True:
            try:
                item = message_queue.get()
            except (EOFError, OSError, ValueError):
                return
            if item == _PROCESS_POOL_MESSAGE_QUEUE_SHUTDOWN:
                return
            if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
                _logger.warning("Ignoring an unexpected worker message: %r", item)
                continue
            processed = self._process_subprocess_message(item[0], item[1], chain)
            if processed is not None:
                message_type, payload = processed
                if message_type not in disabled:
                    try:
                        if message_type == _PROCESS_POOL_MESSAGE_TYPE_LOG:
                            if log_worker is None:
                                log_worker = APILogWorker.instance()
                            log_worker.send(payload)
                        elif message_type == _PROCESS_POOL_MESSAGE_TYPE_EVENT:
                            if events_worker is None:
                                events_worker = EventsWorker.instance()
                            events_worker.send(payload)
                        else:
                            _logger.warning("Ignoring a worker message of type %r", message_type)
                    except RuntimeError:  # the destination stopped: stop sending there
                        disabled.add(message_type)
                        _logger.debug(
                            "No longer forwarding %s messages", message_type, exc_info=True
                        )
                    except Exception:
                        _logger.exception(
                            "Could not deliver a %s message from a worker", message_type
                        )
            self._count_forwarded(item)

    def _count_forwarded(self, item: tuple[str, Any]) -> None:
        message_type, payload = item
        if message_type != _PROCESS_POOL_MESSAGE_TYPE_LOG or not isinstance(payload, dict):
            return
        task_run_id = payload.get("task_run_id")
        if task_run_id is None:
            return
        with self._forwarded_changed:
            key = str(task_run_id)
            self._forwarded[key] = self._forwarded.get(key, 0) + 1
            self._forwarded_changed.notify_all()

    def _stop_message_forwarding(self) -> None:
        """Ask the forwarding thread to finish what is queued and stop; close the queue
        once it has (a thread still alive after 5 s keeps both, rather than race it)."""
        message_queue = self._subprocess_message_queue
        thread = self._message_forwarding_thread
        if message_queue is not None:
            try:
                message_queue.put_nowait(_PROCESS_POOL_MESSAGE_QUEUE_SHUTDOWN)
            except (ValueError, OSError):
                pass
        if thread is not None:
            thread.join(timeout=5)
            if thread.is_alive():
                _logger.warning("The process pool's message forwarding did not stop in 5 s")
                return
            self._message_forwarding_thread = None
        if message_queue is not None:
            try:
                message_queue.close()
                message_queue.join_thread()
            except (AttributeError, OSError, ValueError):
                pass
            self._subprocess_message_queue = None

    def __repr__(self) -> str:
        return f"ProcessPoolTaskRunner(max_workers={self._max_workers})"


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
