"""The flow-run state machine and its sync and async drivers.

A flow run validates its parameters, enters its own task runner (so submitted tasks
are waited for when it ends), sets the flow-run context, runs the function with
retries and an optional timeout, and derives its final state from the return value.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from headrace._flow_run_suspension import (
    FlowRunSuspensionRequest,
    track_flow_run,
    untrack_flow_run,
)
from headrace._naming import check_run_name
from headrace.context import FlowRunContext, TaskRunContext, current_tags
from headrace.engine._outcomes import call_hooks, return_value_to_state
from headrace.engine._timeouts import call_with_timeout, scope_timeout_message
from headrace.events.builtin_events import flow_run_state_event
from headrace.exceptions import FlowRunTimeoutError, ParameterTypeError, Pause, TerminationSignal
from headrace.futures import resolve_futures_to_states
from headrace.logging.loggers import flow_run_logger
from headrace.logging.prints import install_print_redirect
from headrace.results import ResultStore, flow_persists
from headrace.run_records import FlowRun
from headrace.secret_parameters import record_parameters
from headrace.settings import get_current_settings
from headrace.states import (
    AwaitingRetry,
    Cancelled,
    Crashed,
    Failed,
    Pending,
    Running,
    State,
    StateType,
    TimedOut,
)
from headrace.store import get_store, unwritten_warning
from headrace.store import runs as records
from headrace.utilities.names import generate_slug

if TYPE_CHECKING:
    from headrace.flows import Flow


class FlowRunMachine:
    """Decides the states of one flow run."""

    def __init__(self, flow: Flow, parameters: dict[str, Any], flow_run: FlowRun | None = None):
        self.flow = flow
        self.parameters = parameters
        self.parent: FlowRunContext | None = FlowRunContext._var.get(None)
        self.parent_task: TaskRunContext | None = TaskRunContext._var.get(None)
        self.store = get_store()
        self.flow_run = flow_run or FlowRun(
            flow.name,
            parameters,
            current_tags(),
            parent_flow_run_id=self.parent.flow_run.id if self.parent else None,
            parent_task_run_id=self.parent_task.task_run.id if self.parent_task else None,
            flow_version=flow.version,
        )
        self.logger = flow_run_logger(self.flow_run, flow.name)
        self.state: State | None = None
        self.error: BaseException | None = None
        self.ctx: FlowRunContext | None = None
        self.runner: Any = None
        self._token: Any = None
        self._sigterm_previous: Any = None

    # -- beginning -------------------------------------------------------------------------
    def begin(self) -> bool:
        flow, run = self.flow, self.flow_run
        invalid: ParameterTypeError | None = None
        if flow.should_validate_parameters:
            try:
                self.parameters = run.parameters = flow.validate_parameters(self.parameters)
            except ParameterTypeError as exc:
                invalid = exc
        # the record keeps secrets masked, also those validation did not get to wrap
        recorded = record_parameters(self.parameters, flow._validator.secret_names())
        if invalid is not None:
            self.parameters = recorded  # a run that never starts is named without secrets
        self._name_run()
        run.parameters = recorded
        run.state = Pending()
        records.record_flow_run(self.store, run)
        flow_run_state_event(run)  # prefect.flow-run.Pending
        if invalid is not None:
            self.error = invalid
            self.state = Failed(
                message="Validation of flow parameters failed with error: "
                f"{type(invalid).__name__}: {invalid}",
                data=invalid,
            )
            return False
        self.logger.info(f"Beginning flow run {run.name!r} for flow {flow.name!r}")
        # every flow run has a result store (Prefect's `get_run_context().result_store`),
        # built from its parent's; it writes only when the run persists its result
        parent_store = self.parent.result_store if self.parent is not None else None
        result_store = (parent_store or ResultStore()).update_for_flow(flow, _sync=True)
        persist = flow_persists(flow, self.parent.persist_result if self.parent else None)
        # log_prints left unset follows the parent flow, as in Prefect
        log_prints = flow.log_prints
        if log_prints is None:
            log_prints = bool(self.parent and self.parent.log_prints)
        self.runner = flow.task_runner.duplicate()
        self.runner.__enter__()
        self.ctx = FlowRunContext(
            flow, run, self.runner, self.parameters, result_store, log_prints, self.logger
        )
        self.ctx.persist_result = persist
        # a subflow leaves when its parent is asked to suspend
        suspension = self.parent.flow_run_suspension_request if self.parent else None
        self.ctx.flow_run_suspension_request = suspension or FlowRunSuspensionRequest()
        track_flow_run(run.id, self.ctx.flow_run_suspension_request)
        self.ctx.task_persist_default = (
            self.parent.task_persist_default
            if self.parent is not None
            else get_current_settings().tasks.default_persist_result
        )
        self._token = FlowRunContext._var.set(self.ctx)
        if self.parent is None:
            self._sigterm_previous = capture_sigterm()
        if log_prints:
            install_print_redirect()
        run.start_ts = time.time()
        run.run_count = 1
        self._transition(Running())
        if flow.on_running_hooks:
            call_hooks(flow.on_running_hooks, flow, run, self.flow_run.state, self.logger)
        return True

    def _name_run(self) -> None:
        template = self.flow.flow_run_name
        run = self.flow_run
        if template is None:
            run.name = run.name or generate_slug()
        else:
            check_run_name(template, "flow_run_name")
            token = FlowRunContext._var.set(
                FlowRunContext(
                    self.flow, run, self.flow.task_runner, self.parameters, None, False, self.logger
                )
            )
            try:
                run.name = template() if callable(template) else template.format(**self.parameters)
            finally:
                FlowRunContext._var.reset(token)
        self.logger.extra["flow_run_name"] = run.name

    def _transition(self, state: State) -> None:
        self.flow_run.state = state
        records.record_flow_run_state(self.store, self.flow_run)
        flow_run_state_event(self.flow_run)  # prefect.flow-run.<State>

    # -- calling ---------------------------------------------------------------------------
    def call_sync(self) -> Any:
        flow = self.flow
        args, kwargs = flow.signature.to_call(self.parameters)
        if flow.timeout_seconds is None:
            return flow.fn(*args, **kwargs)
        return call_with_timeout(
            flow.fn,
            args,
            kwargs,
            flow.timeout_seconds,
            FlowRunTimeoutError,
            scope_timeout_message(flow.timeout_seconds),
        )

    async def call_async(self) -> Any:
        import asyncio

        flow = self.flow
        args, kwargs = flow.signature.to_call(self.parameters)
        if flow.timeout_seconds is None:
            return await flow.fn(*args, **kwargs)
        try:
            return await asyncio.wait_for(flow.fn(*args, **kwargs), flow.timeout_seconds)
        except asyncio.TimeoutError:
            raise FlowRunTimeoutError(scope_timeout_message(flow.timeout_seconds)) from None

    def timeout_message(self) -> str:
        return f"Flow run exceeded timeout of {self.flow.timeout_seconds} second(s)"

    # -- outcomes --------------------------------------------------------------------------
    def on_return(self, value: Any) -> float | None:
        # as in Prefect, futures a flow returns come back as their final states (the
        # caller outlives the flow's task runner, so a future would dangle)
        value = resolve_futures_to_states(value)
        state = return_value_to_state(value)
        if state.is_completed():
            self._persist(state)
        if not state.is_failed():  # only failures are retried
            self.state = state
            return None
        return self._failed(state)

    def on_exception(self, exc: Exception) -> float | None:
        self.error = exc
        if isinstance(exc, FlowRunTimeoutError):
            state = TimedOut(message=self.timeout_message(), data=exc)
        else:
            state = Failed(
                message=f"Flow run encountered an exception: {type(exc).__name__}: {exc}",
                data=exc,
            )
        self.logger.error(
            "Encountered exception during execution:", exc_info=(type(exc), exc, exc.__traceback__)
        )
        return self._failed(state)

    def _failed(self, state: State) -> float | None:
        flow, run = self.flow, self.flow_run
        self.state = state
        if run.run_count <= flow.retries:
            delay = flow.retry_delay_seconds or 0
            self.logger.info(
                f"Received non-final state {'AwaitingRetry'!r} when proposing final state "
                f"{state.name!r} and will attempt to run again..."
            )
            self._transition(AwaitingRetry(message=state.message))
            return float(delay)
        return None

    def begin_retry(self) -> None:
        self.flow_run.run_count += 1
        self.error = None
        self._transition(Running())  # Prefect's flow retries re-enter Running (tasks: Retrying)
        if self.flow.on_running_hooks:  # Prefect calls on_running hooks on every attempt
            call_hooks(
                self.flow.on_running_hooks,
                self.flow,
                self.flow_run,
                self.flow_run.state,
                self.logger,
            )

    def _persist(self, state: State) -> None:
        if self.ctx is None or self.ctx.result_store is None or not self.ctx.persist_result:
            return
        try:
            record = self.ctx.result_store.write(state.data)
            state.state_details.storage_key = record.key
        except Exception as exc:
            self.logger.warning(f"Could not persist the flow result: {exc!r}")

    def crash(self, exc: BaseException) -> None:
        """An interrupt reached the engine: Cancelled for cancellation, else Crashed."""
        self.error = exc
        if isinstance(exc, Pause) and isinstance(exc.state, State):  # suspend_flow_run()
            self.state = exc.state
        elif type(exc).__name__ == "CancelledError":  # asyncio's, without importing asyncio
            self.state = Cancelled(message="The flow run was cancelled.", data=exc)
        elif isinstance(exc, TerminationSignal) and _cancel_intended():
            self.state = Cancelled(message="The flow run was cancelled (SIGTERM).", data=exc)
        else:
            detail = "SIGTERM" if isinstance(exc, TerminationSignal) else type(exc).__name__
            self.state = Crashed(message=f"Execution was interrupted: {detail}", data=exc)
        self.finish()

    # -- the end ---------------------------------------------------------------------------
    def finish(self) -> State:
        flow, run, state = self.flow, self.flow_run, self.state
        assert state is not None
        if self.runner is not None:
            runner, self.runner = self.runner, None
            try:
                runner.__exit__(None, None, None)
            except BaseException as exc:  # noqa: BLE001 - report, the run still ends
                self.logger.error(f"Task runner failed to shut down: {exc!r}")
        if self._sigterm_previous is not None:
            restore_sigterm(self._sigterm_previous)
            self._sigterm_previous = None
        run.end_ts = time.time()
        state.state_details.flow_run_id = run.id
        self._transition(state)
        level = 20 if state.type in (StateType.COMPLETED, StateType.PAUSED) else 40
        self.logger.log(level, f"Finished in state {state}")
        hooks = {
            StateType.COMPLETED: flow.on_completion_hooks,
            StateType.FAILED: flow.on_failure_hooks,
            StateType.CRASHED: flow.on_crashed_hooks,
            StateType.CANCELLED: flow.on_cancellation_hooks,
            StateType.CANCELLING: flow.on_cancellation_hooks,
        }.get(state.type, ())
        if hooks:  # inside the run's context, so log_prints applies to hooks too
            call_hooks(hooks, flow, run, state, self.logger)
        if self._token is not None:
            FlowRunContext._var.reset(self._token)
            self._token = None
        if self.ctx is not None and self.ctx.flow_run_suspension_request is not None:
            untrack_flow_run(self.flow_run.id, self.ctx.flow_run_suspension_request)
        if self.parent is None and not self.store.flush():
            self.logger.warning(unwritten_warning(self.store, 30.0))
        return state


def _cancel_intended() -> bool:
    # looked up on the module each time, so it can be replaced (Prefect's tests do)
    from headrace import flow_engine

    return flow_engine.get_intent() == "cancel"


def _raise_termination(signum: int, frame: Any) -> None:
    raise TerminationSignal(signum)


def capture_sigterm() -> Any:
    """While a top-level flow runs in the main thread, SIGTERM raises TerminationSignal in
    it (so the run ends Crashed or, when cancelled, Cancelled, and is recorded) instead of
    killing the process unrecorded. Returns the handler to restore (None: not installed)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _raise_termination)
    return previous if previous is not None else signal.SIG_DFL


def restore_sigterm(previous: Any) -> None:
    import signal

    signal.signal(signal.SIGTERM, previous)
