"""Pausing, suspending and resuming flow runs (Prefect 3's `prefect.flow_runs`).

- `pause_flow_run()` inside a flow: the run becomes Paused in the store and the call
  blocks until another process resumes it (`resume_flow_run(id)`, `headrace flow-run
  resume ID`, the server's API) or until `timeout` seconds pass, which raises
  FlowPauseTimeout (the flow fails unless it catches it).
- `suspend_flow_run()`: the run becomes Suspended and its process leaves the flow (the
  `Pause` signal ends the run's engine); resuming makes it Scheduled ("Resuming") for its
  deployment's worker or `serve` process, which runs it again from the start. The repeated
  pause call (same key) then returns at once, with the input if one was asked for.
- `wait_for_input=SomeRunInput` (or any pydantic-compatible type): resuming must supply an
  input that fits its JSON schema; the pause call returns it as an instance.

Pauses, their keys and inputs live in the store, so a run paused on one machine is resumed
from any process that reaches the same database or server.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any, TypeVar

from headrace._flow_run_suspension import mark_flow_run_suspension_requested
from headrace.context import FlowRunContext, TaskRunContext
from headrace.exceptions import (
    FlowPauseTimeout,
    FlowRunWaitTimeout,
    NotPausedError,
    ObjectNotFound,
    Pause,
)
from headrace.input.actions import read_flow_run_input
from headrace.input.run_input import (
    BaseRunInput,
    keyset_from_paused_state,
    poll_delays,
    run_input_subclass_from_type,
)
from headrace.states import Paused, Running, State, Suspended
from headrace.store import get_store
from headrace.utilities.asyncutils import async_dispatch

logger = logging.getLogger("headrace.flow_runs")

#: the type a pause waits for input of (`wait_for_input=T` returns a T)
T = TypeVar("T")

#: (flow run id, start of this execution) -> pauses observed so far, for the default pause
#: keys "1", "2", ...: a suspended run executed again counts from 1 again, also in the same
#: process (`serve`); only runs that pause have an entry
_observed_pauses: dict[tuple[str, float | None], int] = {}


def _next_pause_key(run: Any) -> str:
    execution = (run.id, run.start_ts)
    count = _observed_pauses.get(execution, 0) + 1
    _observed_pauses[execution] = count
    return str(count)


class _PauseRequest:
    """One pause of the current flow run, from proposing it to getting the input."""

    def __init__(
        self, wait_for_input: Any, timeout: float | None, key: str | None, suspend: bool
    ) -> None:
        context = FlowRunContext.get()
        if context is None:
            verb = "suspended" if suspend else "paused"
            raise RuntimeError(f"Flow runs can only be {verb} from within a flow run.")
        self.context = context
        self.run = context.flow_run
        self.logger = context.logger
        self.timeout = timeout
        self.suspend = suspend
        key = key or _next_pause_key(self.run)
        self.state: State = (
            Suspended(timeout_seconds=timeout, pause_key=key)
            if suspend
            else Paused(timeout_seconds=timeout, pause_key=key)
        )
        self.state.state_details.flow_run_id = self.run.id
        self.input_cls: type[BaseRunInput] | None = None
        self.keyset = None
        if wait_for_input is not None:
            self.input_cls = run_input_subclass_from_type(wait_for_input)
            self.keyset = keyset_from_paused_state(self.state)
            self.state.state_details.run_input_keyset = self.keyset
        self.key = key
        self.store = get_store()

    def propose(self) -> bool:
        """Pause in the store; False if this pause was resumed already (a re-run)."""
        verb = "suspended" if self.suspend else "paused"
        if self.input_cls is not None:  # first, so a resume never misses the schema
            _save_schema(self.input_cls, self.keyset, self.run.id)
        try:
            # a suspension's state is recorded by the engine once the run has stopped: a
            # resume must not come before that last write (it would be overwritten)
            status = self.store.flow_run_inputs.pause(
                self.run.id, self.key, self.suspend, self.timeout, self.keyset, not self.suspend
            )
        except ValueError as exc:
            raise RuntimeError(f"Flow run cannot be {verb}: {exc}") from None
        if status == "resumed":
            return False
        self.run.state = self.state
        return True

    def status(self) -> str:
        row = self.store.flow_run_inputs.read_pause(self.run.id, self.key)
        return row["status"] if row is not None else "expired"

    def resumed(self) -> Any:
        """The run goes on: its state is Running again, the input (if any) is returned."""
        self.logger.info("Resuming flow run execution!")
        self.run.state = Running()
        return self.input()

    def input(self) -> Any:
        if self.input_cls is None:
            return None
        return self.input_cls.load_response(self.keyset, self.run.id)  # type: ignore[arg-type]

    def timed_out(self) -> Any:
        """The timeout passed: the pause expires unless a resume came first."""
        if self.store.flow_run_inputs.expire_pause(self.run.id, self.key):
            raise FlowPauseTimeout("Flow run was paused and never resumed.")
        return self.resumed()


def _save_schema(input_cls: type[BaseRunInput], keyset: Any, flow_run_id: str) -> None:
    """Store the input's schema for the pause; a re-run finds it stored already."""
    if read_flow_run_input(keyset["schema"], flow_run_id, _sync=True) is None:
        input_cls.save_schema(keyset, flow_run_id)


def _check_pause_timeout(timeout: Any) -> float:
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return float(timeout)


# -- pause ---------------------------------------------------------------------------------
async def apause_flow_run(
    wait_for_input: type[T] | None = None,
    timeout: int = 3600,
    poll_interval: int = 10,
    key: str | None = None,
) -> T | None:
    """`pause_flow_run` for async flows: waits without blocking the event loop."""
    request = _PauseRequest(wait_for_input, _check_pause_timeout(timeout), key, suspend=False)
    request.logger.info("Pausing flow, execution will continue when this flow run is resumed.")
    if not request.propose():
        return request.input()
    deadline = time.monotonic() + request.timeout  # type: ignore[operator]
    for delay in poll_delays(poll_interval):
        if request.status() == "resumed":
            return request.resumed()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return request.timed_out()
        await asyncio.sleep(min(delay, remaining))


@async_dispatch(apause_flow_run)
def pause_flow_run(
    wait_for_input: type[T] | None = None,
    timeout: int = 3600,
    poll_interval: int = 10,
    key: str | None = None,
) -> T | None:
    """Pause the current flow run until another process resumes it (or `timeout` seconds
    pass: FlowPauseTimeout). With `wait_for_input` (a RunInput subclass or any type),
    returns the input the run was resumed with. `key` tells pauses apart; it defaults to
    the number of this run's pauses so far. The store is checked at least every second,
    however long `poll_interval` is."""
    request = _PauseRequest(wait_for_input, _check_pause_timeout(timeout), key, suspend=False)
    request.logger.info("Pausing flow, execution will continue when this flow run is resumed.")
    if not request.propose():
        return request.input()
    deadline = time.monotonic() + request.timeout  # type: ignore[operator]
    for delay in poll_delays(poll_interval):
        if request.status() == "resumed":
            return request.resumed()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return request.timed_out()
        time.sleep(min(delay, remaining))
    raise AssertionError("unreachable")


# -- suspend -------------------------------------------------------------------------------
async def asuspend_flow_run(
    wait_for_input: type[T] | None = None,
    flow_run_id: Any = None,
    timeout: int | None = None,
    key: str | None = None,
) -> T | None:
    return suspend_flow_run(wait_for_input, flow_run_id, timeout, key, _sync=True)


@async_dispatch(asuspend_flow_run)
def suspend_flow_run(
    wait_for_input: type[T] | None = None,
    flow_run_id: Any = None,
    timeout: int | None = None,
    key: str | None = None,
) -> T | None:
    """Suspend a flow run: it becomes Suspended and, for the current run, its process
    leaves the flow at once (`Pause`). Resuming re-runs it through its deployment, so the
    run needs one; persist task results (`persist_result=True`) so finished tasks are not
    run again. In the re-run this call returns (with the input, for `wait_for_input`).

    With `flow_run_id`, another run is marked Suspended; if it runs in this process it
    leaves at its next wait on a future that times out, as in Prefect; a run in another
    process is not interrupted (see docs/runtime.md)."""
    if timeout is not None:
        timeout = _check_pause_timeout(timeout)  # type: ignore[assignment]
    if flow_run_id is not None:
        return _suspend_other(str(flow_run_id), wait_for_input, timeout, key)
    if TaskRunContext.get() is not None:
        raise RuntimeError("Cannot suspend task runs.")
    request = _PauseRequest(wait_for_input, timeout, key, suspend=True)
    request.logger.info(
        "Suspending flow run, execution will be rescheduled when this flow run is resumed."
    )
    if not request.propose():
        return request.input()
    raise Pause(state=request.state)


def _suspend_other(
    flow_run_id: str, wait_for_input: Any, timeout: float | None, key: str | None
) -> None:
    state = Suspended(timeout_seconds=timeout, pause_key=key or str(uuid.uuid4()))
    keyset = None
    input_cls = None
    if wait_for_input is not None:
        input_cls = run_input_subclass_from_type(wait_for_input)
        keyset = keyset_from_paused_state(state)
    if input_cls is not None:
        _save_schema(input_cls, keyset, flow_run_id)
    try:
        get_store().flow_run_inputs.pause(
            flow_run_id, state.state_details.pause_key, True, timeout, keyset
        )
    except ValueError as exc:
        raise RuntimeError(f"Flow run cannot be suspended: {exc}") from None
    # a run going on in this process leaves at its next wait on a future
    mark_flow_run_suspension_requested(flow_run_id, state)


# -- resume --------------------------------------------------------------------------------
async def aresume_flow_run(flow_run_id: Any, run_input: dict[str, Any] | None = None) -> None:
    resume_flow_run(flow_run_id, run_input, _sync=True)


@async_dispatch(aresume_flow_run)
def resume_flow_run(flow_run_id: Any, run_input: dict[str, Any] | None = None) -> None:
    """Resume a paused (or suspended) flow run, from any process using the same store.

    `run_input` must fit the schema of the input the run waits for (ValueError naming
    what does not). NotPausedError if the run is not paused; FlowPauseTimeout if its
    pause has timed out. A suspended run becomes Scheduled ("Resuming") for its
    deployment's worker; a paused one goes on in the process that paused it."""
    if run_input is not None and not isinstance(run_input, dict):
        raise TypeError(f"run_input must be a dict, not {type(run_input).__name__}")
    store = get_store()
    run_id = str(flow_run_id)
    row = store.runs.read_flow_run(run_id)
    if row is None:
        raise ObjectNotFound(f"flow run {run_id!r} not found")
    store.flow_run_inputs.resume(row["id"], run_input)


# -- waiting -------------------------------------------------------------------------------
async def wait_for_flow_run(
    flow_run_id: Any,
    timeout: int | None = 10800,
    poll_interval: int | None = None,
    client: Any = None,
    log_states: bool = False,
) -> Any:
    """Wait until a flow run is in a final state and return it (a client `FlowRun`);
    FlowRunWaitTimeout after `timeout` seconds. `poll_interval` caps the wait between
    looks at the store (default: growing from 20 ms to 1 s)."""
    from headrace.client.orchestration import get_client  # deferred: pydantic models

    client = client or get_client(sync_client=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    seen = None
    for delay in poll_delays(poll_interval or 1.0):
        flow_run = client.read_flow_run(flow_run_id)
        if hasattr(flow_run, "__await__"):
            flow_run = await flow_run
        state = flow_run.state
        if log_states and state is not None and state.name != seen:
            seen = state.name
            logger.info(f"Flow run is in state {state.name!r}")
        if state is not None and state.is_final():
            return flow_run
        if deadline is not None and time.monotonic() >= deadline:
            raise FlowRunWaitTimeout(
                f"Flow run with ID {flow_run_id} exceeded watch timeout of {timeout} seconds"
            )
        await asyncio.sleep(delay)


__all__ = [
    "FlowPauseTimeout",
    "NotPausedError",
    "apause_flow_run",
    "aresume_flow_run",
    "asuspend_flow_run",
    "pause_flow_run",
    "resume_flow_run",
    "suspend_flow_run",
    "wait_for_flow_run",
]
