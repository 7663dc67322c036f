"""The task-run state machine and its sync and async drivers.

`TaskRunMachine` owns every rule: input resolution, NotReady upstreams, cache lookup,
retries with delays and conditions, timeouts, returned states, result persistence,
hooks and records. The drivers only call the function and sleep between attempts.
"""

from __future__ import annotations

import contextvars
import logging
import random
import time
from typing import TYPE_CHECKING, Any

from headrace._naming import check_run_name
from headrace.concurrency.tags import aoccupy_tag_slots, occupy_tag_slots
from headrace.context import FlowRunContext, TaskRunContext
from headrace.engine._inputs import (
    SelfDependencyError,
    check_not_own,
    resolve_parameters,
    wait_for_upstreams,
)
from headrace.engine._outcomes import call_hooks, return_value_to_state
from headrace.engine._timeouts import call_with_timeout, scope_timeout_message
from headrace.exceptions import (
    ConfigurationError,
    CrashedRun,
    TaskRunTimeoutError,
    UpstreamTaskError,
)
from headrace.futures import PrefectFuture
from headrace.logging.loggers import task_run_logger
from headrace.logging.prints import install_print_redirect
from headrace.results import ResultStore, get_default_persist_setting_for_tasks, task_persists
from headrace.run_records import TaskRun
from headrace.settings import get_current_settings
from headrace.states import (
    AwaitingRetry,
    Cached,
    Crashed,
    NotReady,
    Retrying,
    State,
    StateType,
    TimedOut,
    exception_to_failed_state,
)
from headrace.store import get_store
from headrace.store import runs as records
from headrace.transactions import Transaction, get_transaction
from headrace.utilities import clock

if TYPE_CHECKING:
    from headrace.tasks import Task

#: the task runner a run was submitted to with `runner.submit()`/`runner.map()` outside
#: any flow (inside a flow, the flow run's runner is the one)
submitting_runner: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "headrace_submitting_runner", default=None
)


_NOTHING: Any = object()
#: return values that may stand for other runs' states (see `return_value_to_state`)
_MAY_STAND_FOR_STATES = (State, PrefectFuture, list, tuple, set)
_TASK_RUNS_LOGGER = logging.getLogger("headrace.task_runs")


def plain_call_value(machine: TaskRunMachine, state: State) -> Any:
    """What calling a task without `return_state` gives (Prefect 3): the function's own
    return value when it returned, None for a NotReady run, else the state's result."""
    if machine.returned is not _NOTHING:
        return machine.returned
    if state.type is StateType.PENDING:
        return None
    return state.result(_sync=True)


class TaskRunMachine:
    """Decides the states of one task run."""

    def __init__(
        self,
        task: Task,
        task_run: TaskRun,
        parameters: dict[str, Any],
        wait_for: Any = None,
        future: PrefectFuture | None = None,
    ) -> None:
        self.task = task
        self.task_run = task_run
        self.raw_parameters = parameters
        self.parameters: dict[str, Any] = parameters
        self.wait_for = wait_for
        self.future = future
        self.flow_ctx: FlowRunContext | None = FlowRunContext._var.get(None)
        self.store = get_store()
        self.ctx: TaskRunContext | None = None
        self.result_store: ResultStore | None = None
        self.persist = False
        self.cache_key: str | None = None
        self.state: State | None = None
        #: what the function returned on its last attempt (Prefect's plain-call value)
        self.returned: Any = _NOTHING
        self._token: Any = None
        #: who holds the cache key's lock for this run (SERIALIZABLE policies only)
        self.lock_holder: str | None = None

    # -- beginning -------------------------------------------------------------------------
    def begin(self) -> bool:
        """Resolve inputs, look up the cache, enter Running; False if nothing is to be called."""
        if not self._begin_inputs():
            return False
        if self.lock_holder is not None:  # SERIALIZABLE: one run per cache key at a time
            self.result_store.acquire_lock(self.cache_key, holder=self.lock_holder)  # type: ignore[union-attr]
        return self._begin_run()

    async def abegin(self) -> bool:
        """`begin` for the async driver: waiting for a cache key's lock frees the loop."""
        if not self._begin_inputs():
            return False
        if self.lock_holder is not None:
            await self.result_store.aacquire_lock(self.cache_key, holder=self.lock_holder)  # type: ignore[union-attr]
        return self._begin_run()

    def _begin_inputs(self) -> bool:
        """Inputs, naming, persistence and the cache key; False if the run cannot start."""
        task, run = self.task, self.task_run
        flow_run = self.flow_ctx.flow_run if self.flow_ctx else None
        self.ctx = TaskRunContext(
            task,
            run,
            self.parameters,
            self._log_prints(),
            lambda: task_run_logger(run, flow_run=flow_run),
        )
        try:
            if self.wait_for:
                if self.future is not None:
                    # the caller's list may change while we wait (even come to hold our
                    # own future): wait for what it holds now, never for ourselves
                    self.wait_for = list(self.wait_for)
                    check_not_own(self.wait_for, run, task.name)
                wait_for_upstreams(self.wait_for)
            self.parameters = resolve_parameters(self.raw_parameters)
        except UpstreamTaskError as exc:
            self._name_run()
            self._set_initial(NotReady(message=str(exc)))
            self.ctx.logger.info(f"Finished in state {self.state}")
            return False
        except SelfDependencyError as exc:  # finish() logs it
            self._set_initial(exception_to_failed_state(exc))
            return False
        self.ctx.parameters = self.parameters
        if task.task_run_name is not None:
            self._name_run()
        flow_ctx = self.flow_ctx
        if flow_ctx is not None:
            self.persist = task_persists(
                task, flow_ctx.persist_result, flow_ctx.task_persist_default
            )
        else:
            self.persist = task_persists(task, None, get_default_persist_setting_for_tasks())
        self.ctx.persist_result = self.persist
        if self.persist:
            self._prepare_results()
        return True

    def _begin_run(self) -> bool:
        """A cached result ends the run; else it enters Running."""
        task, run = self.task, self.task_run
        if self.cache_key is not None and not self._refresh_cache():
            record = self.result_store.read(self.cache_key)  # type: ignore[union-attr]
            if record is not None:
                cached = Cached(data=record.load())
                cached.state_details.cache_key = self.cache_key
                cached.state_details.cache_expiration = record.expiration
                self._set_initial(cached)
                self.ctx.logger.info(f"Finished in state {cached}")
                return False
        run.start_ts = time.time()
        run.run_count = 1
        self._set_initial(State(StateType.RUNNING))
        if task.log_prints:
            install_print_redirect()
        if task.on_running_hooks:
            call_hooks(task.on_running_hooks, task, run, self.state, self.ctx.logger)
        return True

    def _refresh_cache(self) -> bool:
        if self.task.refresh_cache is not None:
            return self.task.refresh_cache
        return bool(get_current_settings().tasks.refresh_cache)

    def _log_prints(self) -> bool:
        if self.task.log_prints is not None:
            return self.task.log_prints
        return bool(self.flow_ctx and self.flow_ctx.log_prints)

    def _name_run(self) -> None:
        template = self.task.task_run_name
        if template is None:
            return
        check_run_name(template, "task_run_name")
        with self:
            name = template() if callable(template) else template.format(**self.parameters)
        # the logger is built lazily, after naming, so it picks the name up
        self.task_run.name = name

    def _prepare_results(self) -> None:
        """The run's result store (its flow's, updated for the task) and, since Prefect 3
        caches whatever it persists, its cache key under the task's cache policy."""
        task = self.task
        base = self.flow_ctx.result_store if self.flow_ctx is not None else None
        self.result_store = (base or ResultStore()).update_for_task(task, _sync=True)
        self.ctx.result_store = self.result_store  # type: ignore[union-attr]
        flow_parameters = self.flow_ctx.parameters if self.flow_ctx else None
        try:
            with self:
                if task.cache_policy is not None:
                    key = task.cache_policy.compute_key(self.ctx, self.parameters, flow_parameters)
                elif task.result_storage_key is not None:
                    # Prefect: the formatted storage key is where the result goes and
                    # what later runs find it by
                    key = self.result_store.storage_key_fn()
                else:
                    key = None
        except Exception as exc:  # noqa: BLE001 - as Prefect: the run goes on, uncached
            self.ctx.logger.warning(  # type: ignore[union-attr]
                f"Error encountered when computing cache key - result will not be persisted "
                f"to the cache: {exc}"
            )
            key = None
        if key is not None:
            self.cache_key = self.task_run.cache_key = key
            self._check_isolation()

    def _check_isolation(self) -> None:
        """A SERIALIZABLE cache policy: this run will hold the key's lock (a result store
        without a lock manager cannot, which is a configuration error)."""
        level = getattr(self.task.cache_policy, "isolation_level", None)
        if getattr(level, "value", level) != "SERIALIZABLE":
            return
        if not self.result_store.supports_isolation_level(level):  # type: ignore[union-attr]
            raise ConfigurationError(
                f"Isolation level SERIALIZABLE is not supported by provided configuration of "
                f"task {self.task.name!r}: give its cache policy a lock manager "
                "(`policy.configure(lock_manager=...)`)."
            )
        self.lock_holder = ResultStore.generate_default_holder()

    def _release_lock(self) -> None:
        holder, self.lock_holder = self.lock_holder, None
        store = self.result_store
        if holder is not None and store.is_lock_holder(self.cache_key, holder):  # type: ignore[union-attr]
            store.release_lock(self.cache_key, holder=holder)  # type: ignore[union-attr]

    def _set_initial(self, state: State) -> None:
        self.state = self.task_run.state = state
        records.record_task_run(self.store, self.task_run)

    # -- calling ---------------------------------------------------------------------------
    def __enter__(self) -> TaskRunMachine:
        self._token = TaskRunContext._var.set(self.ctx)  # type: ignore[arg-type]
        return self

    def __exit__(self, *exc: object) -> None:
        TaskRunContext._var.reset(self._token)

    def call_sync(self) -> Any:
        if self.task_run.tags:
            with occupy_tag_slots(self.task_run.tags, self.ctx):
                return self._call_sync()
        return self._call_sync()

    def _call_sync(self) -> Any:
        task = self.task
        signature = task.signature
        if signature.simple:  # the common case, without a call
            args, kwargs = (), self.parameters
        else:
            args, kwargs = signature.to_call(self.parameters)
        invoke = self._remote_invoke() if self.future is not None else None
        token = TaskRunContext._var.set(self.ctx)  # type: ignore[arg-type]
        try:
            if invoke is not None:
                return invoke(task, args, kwargs, task.timeout_seconds, self.ctx)
            if task.timeout_seconds is None:
                return task.fn(*args, **kwargs)
            return call_with_timeout(
                task.fn,
                args,
                kwargs,
                task.timeout_seconds,
                TaskRunTimeoutError,
                scope_timeout_message(task.timeout_seconds),
            )
        finally:
            TaskRunContext._var.reset(token)

    async def call_async(self) -> Any:
        if self.task_run.tags:
            async with aoccupy_tag_slots(self.task_run.tags, self.ctx):
                return await self._call_async()
        return await self._call_async()

    def _remote_invoke(self) -> Any:
        """The runner's `invoke` for a submitted run whose runner calls functions elsewhere
        (process pool, Dask, Ray), else None."""
        if self.future is None:
            return None
        runner = self.flow_ctx.task_runner if self.flow_ctx else submitting_runner.get()
        return getattr(runner, "invoke", None)

    async def _call_async(self) -> Any:
        import asyncio

        task = self.task
        args, kwargs = task.signature.to_call(self.parameters)
        invoke = self._remote_invoke()
        with self:
            if invoke is not None:
                return await asyncio.to_thread(
                    invoke, task, args, kwargs, task.timeout_seconds, self.ctx
                )
            if task.timeout_seconds is None:
                return await task.fn(*args, **kwargs)
            try:
                return await asyncio.wait_for(task.fn(*args, **kwargs), task.timeout_seconds)
            except asyncio.TimeoutError:
                raise TaskRunTimeoutError(scope_timeout_message(task.timeout_seconds)) from None

    def timeout_message(self) -> str:
        return f"Task run exceeded timeout of {self.task.timeout_seconds} second(s)"

    # -- outcomes --------------------------------------------------------------------------
    def on_return(self, value: Any) -> float | None:
        """The function returned; the retry delay if it should run again, else None."""
        self.returned = value
        if isinstance(value, _MAY_STAND_FOR_STATES):
            state = return_value_to_state(value)
        else:  # a plain value: Completed with it (return_value_to_state's last rule)
            state = State(StateType.COMPLETED, data=value)
        if state.type is StateType.COMPLETED:
            self._persist(state)
            self.state = state
            return None
        return self._failed(state, None)

    def on_exception(self, exc: Exception) -> float | None:
        """The function raised; the retry delay if it should run again, else None."""
        self.returned = _NOTHING
        if isinstance(exc, TaskRunTimeoutError):
            return self._failed(TimedOut(message=self.timeout_message(), data=exc), exc)
        if isinstance(exc, CrashedRun):  # the worker running the function was lost
            return self._failed(Crashed(message=str(exc), data=exc), exc)
        return self._failed(exception_to_failed_state(exc), exc)

    def crash(self, exc: BaseException) -> None:
        """An interrupt (KeyboardInterrupt, cancellation) or engine error: record Crashed."""
        if self.lock_holder is not None:
            self._release_lock()
        if self.state is None or not self.state.is_final():
            self.state = Crashed(message=f"Execution was interrupted: {exc!r}", data=exc)
        if self.ctx is not None and self.task_run.end_ts is None:
            self.finish()
        elif self.future is not None and not self.future.done():
            self.future.set_final_state(self.state)

    def _failed(self, state: State, exc: BaseException | None) -> float | None:
        task, run = self.task, self.task_run
        self.state = state
        if run.run_count <= task.retries and self._should_retry(state):
            delay = task.retry_delay_for(run.run_count)
            message = (
                f"Task run failed with exception: {exc!r} - Retry {run.run_count}/{task.retries} "
                f"will start {delay} second(s) from now"
                if exc is not None
                else f"Task run returned {state} - Retry {run.run_count}/{task.retries}"
            )
            self.ctx.logger.info(message)  # type: ignore[union-attr]
            waiting = AwaitingRetry(message=message)
            run.state = waiting
            records.record_state_only(self.store, run.id, waiting)
            return self._jitter(delay)
        return None

    def _should_retry(self, state: State) -> bool:
        condition = self.task.retry_condition_fn
        if condition is None:
            return True
        try:
            return bool(condition(self.task, self.task_run, state))
        except Exception as exc:
            self.ctx.logger.error(f"retry_condition_fn raised {exc!r}; not retrying")  # type: ignore[union-attr]
            return False

    def _jitter(self, delay: float) -> float:
        factor = self.task.retry_jitter_factor
        if not factor or delay <= 0:
            return delay
        return max(0.0, delay * (1 + random.uniform(-factor, factor)))

    def begin_retry(self) -> None:
        run = self.task_run
        run.run_count += 1
        self.state = run.state = Retrying()
        records.record_state_only(self.store, run.id, self.state)
        if self.task.on_running_hooks:  # Prefect calls on_running hooks on every attempt
            with self:
                call_hooks(self.task.on_running_hooks, self.task, run, self.state, self.ctx.logger)

    def _persist(self, state: State) -> None:
        task = self.task
        if self.result_store is None or not self.persist:
            return
        expiration = None
        if task.cache_expiration is not None:
            expiration = clock.now() + task.cache_expiration.total_seconds()
        try:
            value = state.data
            self.result_store.write(value, key=self.cache_key, expiration=expiration)
        except Exception as exc:
            self.ctx.logger.warning(  # type: ignore[union-attr]
                f"Encountered an error while serializing result for transaction "
                f"{self.cache_key!r}: {exc} Code execution will continue, but the result "
                "has not been persisted."
            )
            return
        state.state_details.cache_key = self.cache_key
        state.state_details.cache_expiration = expiration

    # -- the end ---------------------------------------------------------------------------
    def finish(self) -> State:
        """Record the final state, run hooks, settle the future; returns the state."""
        task, run, state = self.task, self.task_run, self.state
        assert state is not None and self.ctx is not None
        if state is not run.state or run.end_ts is None:
            run.end_ts = time.time()
            run.state = state
            state.state_details.task_run_id = run.id
            records.record_task_run_state(self.store, run)
            if state.type is StateType.COMPLETED:
                # one line per successful task run is noise at scale (and costs more
                # than the rest of the engine): DEBUG, see docs/runtime.md
                if _TASK_RUNS_LOGGER.isEnabledFor(logging.DEBUG):
                    self.ctx.logger.debug(f"Finished in state {state}")
            else:
                logger = self.ctx.logger
                exc = state.data if isinstance(state.data, BaseException) else None
                if exc is not None and state.type is StateType.FAILED:
                    exhausted = " - Retries are exhausted" if task.retries else ""
                    logger.error(
                        f"Task run failed with exception: {exc!r}{exhausted}",
                        exc_info=(type(exc), exc, exc.__traceback__),
                    )
                logger.log(
                    40 if state.is_failed() or state.is_crashed() else 20,
                    f"Finished in state {state}",
                )
            hooks = (
                task.on_completion_hooks
                if state.is_completed()
                else (task.on_failure_hooks if state.is_failed() else ())
            )
            if hooks:
                with self:
                    call_hooks(hooks, task, run, state, self.ctx.logger)
            if state.type is StateType.COMPLETED and (
                task.on_commit_hooks or task.on_rollback_hooks or get_transaction() is not None
            ):
                with self:
                    self._join_transaction(state)
        if self.lock_holder is not None:  # after the result was written
            self._release_lock()
        if self.future is not None:
            self.future.set_final_state(state)
        return state

    def _join_transaction(self, state: State) -> None:
        """As in Prefect, a completed task run is a transaction of its own: inside an
        enclosing transaction it commits (its on_commit hooks) or rolls back (its
        on_rollback hooks) with it; outside any, it commits at once."""
        task = self.task
        txn = Transaction(key=self.cache_key, write_on_commit=False, logger=self.ctx.logger)  # type: ignore[union-attr]
        txn.stage(
            state.data,
            on_rollback_hooks=list(task.on_rollback_hooks),
            on_commit_hooks=list(task.on_commit_hooks),
        )
        parent = get_transaction()
        if parent is not None:
            parent.add_child(txn)
        else:
            txn.commit()
