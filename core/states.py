"""Run states with Prefect 3's types, names and result semantics.

A state is a small immutable-by-convention object (slots, no validation) because one
is created for every transition of every run: the hot path cannot afford a pydantic
model here.
"""

from __future__ import annotations

import datetime as _dt
import logging
import sys
import time
from collections.abc import Iterable
from enum import Enum
from typing import Any

from headrace.exceptions import (
    CancelledRun,
    CrashedRun,
    FailedRun,
    PausedRun,
    UnfinishedRun,
)
from headrace.utilities.asyncutils import async_dispatch

logger = logging.getLogger("headrace.states")


class StateType(str, Enum):
    """The kind of a state; names such as Retrying or Cached are variants of these."""

    SCHEDULED = "SCHEDULED"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    CRASHED = "CRASHED"
    PAUSED = "PAUSED"
    CANCELLING = "CANCELLING"


_DEFAULT_NAMES = {kind: kind.value.capitalize() for kind in StateType}
#: the plain string of each type, without the cost of the enum's `.value` descriptor
TYPE_VALUES = {kind: kind.value for kind in StateType}

TERMINAL_STATES = frozenset(
    {StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED}
)


class StateDetails:
    """Extra facts attached to a state: which run it belongs to, cache key, retry time."""

    __slots__ = (
        "flow_run_id",
        "task_run_id",
        "cache_key",
        "cache_expiration",
        "scheduled_time",
        "retriable",
        "storage_key",
        "pause_timeout",
        "pause_reschedule",
        "pause_key",
        "run_input_keyset",
        "child_flow_run_id",
        "refresh_cache",
        "deferred",
        "task_parameters_id",
        "untrackable_result",
    )

    def __init__(self, **values: Any) -> None:
        # one chained assignment: every final task state gets details (hot path)
        self.flow_run_id = self.task_run_id = self.cache_key = self.cache_expiration = None
        self.scheduled_time = self.retriable = self.storage_key = None
        self.pause_timeout = self.pause_reschedule = self.pause_key = None
        self.run_input_keyset = self.child_flow_run_id = self.refresh_cache = None
        self.deferred = self.task_parameters_id = self.untrackable_result = None
        for name, value in values.items():
            if name in self.__slots__:  # unknown fields are ignored, as they were
                setattr(self, name, value)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in self.__slots__
            if getattr(self, name) is not None
        )
        return f"StateDetails({shown})"


class State:
    """A run's state: type, name, message and, once final, its data (result or error)."""

    __slots__ = ("type", "name", "message", "data", "_ts", "_details")

    def __init__(
        self,
        type: StateType | str,
        name: str | None = None,
        message: str | None = None,
        data: Any = None,
        timestamp: float | _dt.datetime | None = None,
        state_details: StateDetails | dict[str, Any] | None = None,
    ) -> None:
        if state_details.__class__ is dict:
            state_details = StateDetails(**state_details)  # type: ignore[arg-type]
        if type.__class__ is not StateType:
            type = StateType(type)
        self.type = type
        self.name = name or _DEFAULT_NAMES[type]
        self.message = message
        self.data = data
        if timestamp is None:
            self._ts = time.time()
        elif isinstance(timestamp, _dt.datetime):
            self._ts = timestamp.timestamp()
        else:
            self._ts = float(timestamp)
        self._details = state_details

    @property
    def state_details(self) -> StateDetails:
        """Created on first use: most states never need one."""
        if self._details is None:
            self._details = StateDetails()
        return self._details

    @state_details.setter
    def state_details(self, details: StateDetails) -> None:
        self._details = details

    # -- predicates --------------------------------------------------------------------
    def is_scheduled(self) -> bool:
        return self.type is StateType.SCHEDULED

    def is_pending(self) -> bool:
        return self.type is StateType.PENDING

    def is_running(self) -> bool:
        return self.type is StateType.RUNNING

    def is_completed(self) -> bool:
        return self.type is StateType.COMPLETED

    def is_failed(self) -> bool:
        return self.type is StateType.FAILED

    def is_crashed(self) -> bool:
        return self.type is StateType.CRASHED

    def is_cancelled(self) -> bool:
        return self.type is StateType.CANCELLED

    def is_cancelling(self) -> bool:
        return self.type is StateType.CANCELLING

    def is_paused(self) -> bool:
        return self.type is StateType.PAUSED

    def is_final(self) -> bool:
        return self.type in TERMINAL_STATES

    # -- data --------------------------------------------------------------------------
    @property
    def timestamp(self) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(self._ts, tz=_dt.timezone.utc)

    async def aresult(
        self, raise_on_failure: bool = True, retry_result_failure: bool = True
    ) -> Any:
        """`result` for async code (also what `await state.result()` runs)."""
        return _state_result(self, raise_on_failure)

    @async_dispatch(aresult)
    def result(
        self,
        raise_on_failure: bool = True,
        retry_result_failure: bool = True,
        fetch: bool | None = None,
    ) -> Any:
        """The run's return value; raises the run's error if it failed and `raise_on_failure`.

        In async code (an async flow or task, or a running event loop) this returns an
        awaitable, as in Prefect 3: `await state.result()`. `fetch` is accepted (and
        ignored) for Prefect 2 code: results are always fetched.
        """
        return _state_result(self, raise_on_failure)

    def copy(self, **updates: Any) -> State:
        values = {
            "type": self.type,
            "name": self.name,
            "message": self.message,
            "data": self.data,
            "timestamp": self._ts,
            "state_details": self._details,
        }
        values.update(updates)
        return State(**values)

    model_copy = copy

    def __repr__(self) -> str:
        return (
            f"{self.name}(message={self.message!r}, type={self.type.value}, result={self.data!r})"
        )

    def __str__(self) -> str:
        shown = [repr(self.message)] if self.message else []
        if self.type.value.lower() != self.name.lower():
            shown.append(f"type={self.type.value}")
        return f"{self.name}({', '.join(shown)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return (self.type, self.name, self.message, self._ts) == (
            other.type,
            other.name,
            other.message,
            other._ts,
        )

    __hash__ = object.__hash__


class StoredResult:
    """State data kept outside the state (`headrace.results.ResultRecord`): reading a
    state's result calls `load()`. Declared here so that states need not import the
    result storage code."""

    __slots__ = ()

    def load(self) -> Any:
        raise NotImplementedError


def _state_result(state: State, raise_on_failure: bool) -> Any:
    if state.is_paused():
        raise PausedRun("Run is paused, its result is not available.")
    if not state.is_final():
        if raise_on_failure:
            raise UnfinishedRun(f"Run is in {state.type.value} state, its result is not available.")
        return None
    if raise_on_failure and state.type is not StateType.COMPLETED:
        raise get_state_exception(state)
    data = state.data
    if isinstance(data, StoredResult):
        data = data.load()
    if data is None and state.type is not StateType.COMPLETED:
        return get_state_exception(state)
    return data


#: how often `get_state_result` tries to read a stored result before giving up, and the
#: pause between tries: a result may be written just after its state is visible
RESULT_READ_MAXIMUM_ATTEMPTS = 10
RESULT_READ_RETRY_DELAY = 0.25


async def get_state_result(
    state: State, raise_on_failure: bool = True, retry_result_failure: bool = True
) -> Any:
    """A state's result for async code, as `await state.aresult()`; a stored result that
    cannot be read yet is read again (`RESULT_READ_MAXIMUM_ATTEMPTS` times,
    `RESULT_READ_RETRY_DELAY` seconds apart) unless `retry_result_failure` is false."""
    import asyncio

    attempts = RESULT_READ_MAXIMUM_ATTEMPTS if retry_result_failure else 1
    for attempt in range(1, attempts):
        try:
            return _state_result(state, raise_on_failure)
        except Exception as exc:
            # only a stored result of a completed run is worth reading again
            if not (isinstance(state.data, StoredResult) and state.is_completed()):
                raise
            logger.debug("reading the result failed (%r), try %s of %s", exc, attempt, attempts)
            await asyncio.sleep(RESULT_READ_RETRY_DELAY)
    return _state_result(state, raise_on_failure)


def _is_state_iterable(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple, set))
        and len(value) > 0
        and all(isinstance(item, State) for item in value)
    )


def is_state_iterable(value: Any) -> bool:
    """True for a non-empty list, tuple or set made only of states."""
    return _is_state_iterable(value)


_WRAPPERS = {
    StateType.FAILED: (FailedRun, "Run failed."),
    StateType.CRASHED: (CrashedRun, "Run crashed."),
    StateType.CANCELLED: (CancelledRun, "Run cancelled."),
}


def get_state_exception(state: State) -> BaseException:
    """The exception a failed, crashed or cancelled state stands for.

    Its data when that is an exception; the first failure of nested states; otherwise
    FailedRun/CrashedRun/CancelledRun carrying the data (a string) or the state's message.
    ValueError for a state of another type; TypeError for data that cannot be an error.
    """
    if state.type not in _WRAPPERS:
        raise ValueError(f"Expected failed or crashed state got {state!r}.")
    wrapper, default_message = _WRAPPERS[state.type]
    data = state.data
    if isinstance(data, StoredResult):
        data = data.load()
    if data is None:
        return wrapper(state.message or default_message)
    if isinstance(data, BaseException):
        return data
    if isinstance(data, str):
        return wrapper(data)
    if isinstance(data, State):
        return get_state_exception(data)
    if _is_state_iterable(data):
        for item in data:
            if item.type in _WRAPPERS:
                return get_state_exception(item)
        raise ValueError("Failed state result was an iterable of states but none were failed.")
    raise TypeError(
        f"Unexpected result for failed state: {data!r} —— "
        f"{type(data).__name__} cannot be resolved into an exception"
    )


async def aget_state_exception(state: State) -> BaseException:
    """`get_state_exception` for async code."""
    return get_state_exception(state)


async def araise_state_exception(state: State) -> None:
    """`raise_state_exception` for async code."""
    if state.type in _WRAPPERS:
        raise get_state_exception(state)


@async_dispatch(araise_state_exception)
def raise_state_exception(state: State) -> None:
    """Raise the state's exception if it is failed, crashed or cancelled (awaitable in
    async code, as in Prefect 3)."""
    if state.type in _WRAPPERS:
        raise get_state_exception(state)


# -- constructors (Prefect 3 names) ----------------------------------------------------
def Scheduled(scheduled_time: _dt.datetime | None = None, **kwargs: Any) -> State:
    state = State(StateType.SCHEDULED, **kwargs)
    state.state_details.scheduled_time = scheduled_time or state.timestamp
    return state


def Late(**kwargs: Any) -> State:
    return Scheduled(name="Late", **kwargs)


def AwaitingRetry(scheduled_time: _dt.datetime | None = None, **kwargs: Any) -> State:
    return Scheduled(scheduled_time=scheduled_time, name="AwaitingRetry", **kwargs)


def Pending(**kwargs: Any) -> State:
    return State(StateType.PENDING, **kwargs)


def Running(**kwargs: Any) -> State:
    return State(StateType.RUNNING, **kwargs)


def Retrying(**kwargs: Any) -> State:
    return State(StateType.RUNNING, name="Retrying", **kwargs)


def Completed(**kwargs: Any) -> State:
    return State(StateType.COMPLETED, **kwargs)


def Cached(**kwargs: Any) -> State:
    return State(StateType.COMPLETED, name="Cached", **kwargs)


def Failed(**kwargs: Any) -> State:
    return State(StateType.FAILED, **kwargs)


def TimedOut(**kwargs: Any) -> State:
    return State(StateType.FAILED, name="TimedOut", **kwargs)


def Crashed(**kwargs: Any) -> State:
    return State(StateType.CRASHED, **kwargs)


def Cancelled(**kwargs: Any) -> State:
    return State(StateType.CANCELLED, **kwargs)


def Cancelling(**kwargs: Any) -> State:
    return State(StateType.CANCELLING, **kwargs)


def Paused(
    timeout_seconds: float | None = None,
    pause_expiration_time: _dt.datetime | None = None,
    reschedule: bool = False,
    pause_key: str | None = None,
    **kwargs: Any,
) -> State:
    """A paused run; `timeout_seconds` (or `pause_expiration_time`) says until when it
    may be resumed, `reschedule` that it is suspended (its process exits)."""
    if timeout_seconds is not None and pause_expiration_time is not None:
        raise ValueError("Cannot supply both a pause_expiration_time and timeout_seconds")
    state = State(StateType.PAUSED, **kwargs)
    details = state.state_details
    if pause_expiration_time is not None:
        details.pause_timeout = pause_expiration_time
    elif timeout_seconds is not None:
        details.pause_timeout = state.timestamp + _dt.timedelta(seconds=timeout_seconds)
    details.pause_reschedule = reschedule
    details.pause_key = pause_key
    return state


def Suspended(
    timeout_seconds: float | None = None,
    pause_expiration_time: _dt.datetime | None = None,
    pause_key: str | None = None,
    **kwargs: Any,
) -> State:
    """A paused run whose process exits; resuming it runs it again."""
    kwargs.setdefault("name", "Suspended")
    return Paused(timeout_seconds, pause_expiration_time, True, pause_key, **kwargs)


def NotReady(**kwargs: Any) -> State:
    return State(StateType.PENDING, name="NotReady", **kwargs)


def Submitting(**kwargs: Any) -> State:
    return State(StateType.PENDING, name="Submitting", **kwargs)


def InfrastructurePending(**kwargs: Any) -> State:
    return State(StateType.PENDING, name="InfrastructurePending", **kwargs)


def AwaitingConcurrencySlot(scheduled_time: _dt.datetime | None = None, **kwargs: Any) -> State:
    return Scheduled(scheduled_time=scheduled_time, name="AwaitingConcurrencySlot", **kwargs)


def format_exception(exc: BaseException) -> str:
    """`ValueError: message`, the way Prefect writes an error into a state message."""
    return f"{type(exc).__name__}: {exc}"


def exception_to_failed_state(exc: BaseException, message: str | None = None) -> State:
    """A Failed state carrying the exception, with Prefect's message wording."""
    if message is None:
        message = f"Task run encountered an exception {type(exc).__name__}: {exc}"
    return Failed(message=message, data=exc)


def _crash_message(exc: BaseException) -> str:
    from headrace.exceptions import TerminationSignal

    if type(exc).__name__ == "CancelledError":  # asyncio's, without importing asyncio
        return "Execution was cancelled by the runtime environment."
    if isinstance(exc, KeyboardInterrupt):
        return "Execution was aborted by an interrupt signal."
    if isinstance(exc, TerminationSignal):
        return "Execution was aborted by a termination signal."
    if isinstance(exc, SystemExit):
        return "Execution was aborted by Python system exit call."
    return f"Execution was interrupted by an unexpected exception: {format_exception(exc)}"


def exception_to_crashed_state(exc: BaseException, result_store: Any = None) -> State:
    """A Crashed state for an error raised outside the user's code (interrupts, signals)."""
    data = result_store.create_result_record(exc) if result_store is not None else exc
    return Crashed(message=_crash_message(exc), data=data)


def exception_to_failed_state_from_store(
    exc: BaseException | None = None,
    result_store: Any = None,
    write_result: bool = False,
    **kwargs: Any,
) -> State:
    """Prefect's `exception_to_failed_state`: message `'<existing> ValueError: msg'`, data
    the exception (or its result record when a result store is given), not retriable."""
    if exc is None:
        exc = sys.exc_info()[1]
        if exc is None:
            raise ValueError("Exception was not passed and no active exception could be found.")
    data: Any = exc
    if result_store is not None:
        data = result_store.create_result_record(exc)
        if write_result:
            _persist_quietly(result_store, data)
    message = kwargs.pop("message", "") or ""
    if message and not message.endswith(" "):
        message += " "
    state = Failed(data=data, message=message + format_exception(exc), **kwargs)
    state.state_details.retriable = False
    return state


def _persist_quietly(result_store: Any, record: Any) -> None:
    try:
        result_store.persist_result_record(record)
    except Exception as exc:  # noqa: BLE001 - as Prefect: the run goes on, the write is lost
        logger.warning(
            "Encountered an error while persisting result: %s Execution will continue, "
            "but the result has not been persisted",
            exc,
        )


def return_value_to_state_sync(
    retval: Any,
    result_store: Any,
    key: str | None = None,
    expiration: Any = None,
    write_result: bool = False,
) -> State:
    """The state a function's return value stands for, its data a result record of
    `result_store` (Prefect's rule: a state built by the user is kept; states of other
    runs are aggregated; anything else completes)."""

    def record_of(value: Any) -> Any:
        record = result_store.create_result_record(value, key=key, expiration=expiration)
        if write_result:
            _persist_quietly(result_store, record)
        return record

    if isinstance(retval, State) and not (
        retval._details is not None and (retval._details.flow_run_id or retval._details.task_run_id)
    ):
        if not isinstance(retval.data, StoredResult):  # a ResultRecord or its metadata
            retval.data = record_of(retval.data)
        return retval
    if isinstance(retval, State) or _is_state_iterable(retval):
        group = StateGroup(list(retval) if not isinstance(retval, State) else [retval])
        if group.all_completed():
            kind, message = StateType.COMPLETED, "All states completed."
        elif group.any_cancelled():
            kind = StateType.CANCELLED
            message = f"{group.cancelled_count}/{group.total_count} states cancelled."
        elif group.any_paused():
            kind = StateType.PAUSED
            message = f"{group.paused_count}/{group.total_count} states paused."
        elif group.any_failed():
            kind = StateType.FAILED
            message = f"{group.fail_count}/{group.total_count} states failed."
        elif not group.all_final():
            kind = StateType.FAILED
            message = f"{group.not_final_count}/{group.total_count} states are not final."
        else:
            kind, message = StateType.FAILED, "Given states: " + group.counts_message()
        return State(kind, message=message, data=record_of(retval))
    if retval.__class__.__name__ == "generator":
        retval = list(retval)
    if isinstance(retval, StoredResult) and hasattr(retval, "metadata"):  # a ResultRecord
        return Completed(data=retval)
    return Completed(data=record_of(retval))


async def return_value_to_state(
    retval: Any,
    result_store: Any,
    key: str | None = None,
    expiration: Any = None,
    write_result: bool = False,
) -> State:
    """`return_value_to_state_sync` for async code (Prefect's public, async, name)."""
    return return_value_to_state_sync(retval, result_store, key, expiration, write_result)


class StateGroup:
    """Counts of a group of states, for messages such as '1/3 states failed'."""

    def __init__(self, states: Iterable[State]) -> None:
        self.states = list(states)
        counts: dict[StateType, int] = dict.fromkeys(StateType, 0)
        for state in self.states:
            counts[state.type] += 1
        self.type_counts = counts
        self.total_count = len(self.states)
        self.cancelled_count = counts[StateType.CANCELLED]
        self.paused_count = counts[StateType.PAUSED]
        self.final_count = sum(counts[kind] for kind in TERMINAL_STATES)
        self.not_final_count = self.total_count - self.final_count

    @property
    def fail_count(self) -> int:
        """Failed and crashed states (cancelled ones are counted apart)."""
        return self.type_counts[StateType.FAILED] + self.type_counts[StateType.CRASHED]

    def all_completed(self) -> bool:
        return self.type_counts[StateType.COMPLETED] == self.total_count

    def any_cancelled(self) -> bool:
        return self.cancelled_count > 0

    def any_failed(self) -> bool:
        return self.fail_count > 0

    def any_paused(self) -> bool:
        return self.paused_count > 0

    def all_final(self) -> bool:
        return self.final_count == self.total_count

    def counts_message(self) -> str:
        parts = [f"total={self.total_count}"]
        if self.not_final_count:
            parts.append(f"not_final={self.not_final_count}")
        parts += [f"{kind.value!r}={count}" for kind, count in self.type_counts.items() if count]
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"StateGroup<{self.counts_message()}>"


__all__ = [
    "AwaitingConcurrencySlot",
    "AwaitingRetry",
    "Cached",
    "Cancelled",
    "Cancelling",
    "Completed",
    "Crashed",
    "Failed",
    "InfrastructurePending",
    "Late",
    "NotReady",
    "Paused",
    "Pending",
    "Retrying",
    "Running",
    "Scheduled",
    "State",
    "StateDetails",
    "StateGroup",
    "StateType",
    "Submitting",
    "Suspended",
    "TimedOut",
    "aget_state_exception",
    "araise_state_exception",
    "exception_to_crashed_state",
    "exception_to_failed_state",
    "format_exception",
    "get_state_exception",
    "get_state_result",
    "is_state_iterable",
    "raise_state_exception",
    "return_value_to_state",
]
