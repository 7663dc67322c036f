"""Run states with Prefect 3's types, names and result semantics.

A state is a small immutable-by-convention object (slots, no validation) because one
is created for every transition of every run: the hot path cannot afford a pydantic
model here.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Iterable
from enum import Enum
from typing import Any

from headrace.exceptions import (
    CancelledRun,
    CrashedRun,
    FailedRun,
    MissingResult,
    PausedRun,
    UnfinishedRun,
)


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
    )

    def __init__(self, **values: Any) -> None:
        # one chained assignment: every final task state gets details (hot path)
        self.flow_run_id = self.task_run_id = self.cache_key = self.cache_expiration = None
        self.scheduled_time = self.retriable = self.storage_key = None
        self.pause_timeout = self.pause_reschedule = self.pause_key = None
        self.run_input_keyset = None
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
        state_details: StateDetails | None = None,
    ) -> None:
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

    def result(self, raise_on_failure: bool = True, fetch: bool | None = None) -> Any:
        """The run's return value; raises the run's error if it failed and `raise_on_failure`.

        `fetch` is accepted (and ignored) for Prefect 2 code: results are always fetched.
        """
        return _state_result(self, raise_on_failure)

    async def aresult(self, raise_on_failure: bool = True) -> Any:
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


def _is_state_iterable(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple, set))
        and len(value) > 0
        and all(isinstance(item, State) for item in value)
    )


def is_state_iterable(value: Any) -> bool:
    """True for a non-empty list, tuple or set made only of states."""
    return _is_state_iterable(value)


def get_state_exception(state: State) -> BaseException:
    """The exception a final, unsuccessful state stands for."""
    data = state.data
    if isinstance(data, StoredResult):
        data = data.load()
    if isinstance(data, BaseException):
        return data
    if isinstance(data, State):
        return get_state_exception(data)
    if _is_state_iterable(data):
        for item in data:
            if not item.is_completed():
                return get_state_exception(item)
    if state.is_failed():
        return FailedRun(state.message or "Run failed.")
    if state.is_crashed():
        return CrashedRun(state.message or "Run crashed.")
    if state.is_cancelled():
        return CancelledRun(state.message or "Run cancelled.")
    return MissingResult(f"State {state.name!r} has no exception.")


def raise_state_exception(state: State) -> None:
    """Raise the state's exception if it is failed, crashed or cancelled."""
    if state.type in (StateType.FAILED, StateType.CRASHED, StateType.CANCELLED):
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


def exception_to_failed_state(exc: BaseException, message: str | None = None) -> State:
    """A Failed state carrying the exception, with Prefect's message wording."""
    if message is None:
        message = f"Task run encountered an exception {type(exc).__name__}: {exc}"
    return Failed(message=message, data=exc)


def exception_to_crashed_state(exc: BaseException) -> State:
    return Crashed(message=f"Execution was interrupted: {type(exc).__name__}({exc})", data=exc)


class StateGroup:
    """Counts of a group of states, for messages such as '1/3 states failed'."""

    def __init__(self, states: Iterable[State]) -> None:
        self.states = list(states)
        self.type_counts: dict[StateType, int] = {}
        for state in self.states:
            self.type_counts[state.type] = self.type_counts.get(state.type, 0) + 1

    def fail_count(self) -> int:
        return sum(
            self.type_counts.get(kind, 0)
            for kind in (StateType.FAILED, StateType.CRASHED, StateType.CANCELLED)
        )

    def all_completed(self) -> bool:
        return self.type_counts.get(StateType.COMPLETED, 0) == len(self.states)

    def all_final(self) -> bool:
        return all(state.is_final() for state in self.states)


__all__ = [
    "AwaitingRetry",
    "Cached",
    "Cancelled",
    "Cancelling",
    "Completed",
    "Crashed",
    "Failed",
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
    "Suspended",
    "TimedOut",
    "exception_to_crashed_state",
    "exception_to_failed_state",
    "get_state_exception",
    "is_state_iterable",
    "raise_state_exception",
]
