"""Assertion helpers whose failure messages show what actually happened.

Each helper accepts a `State` (what `return_state=True` gives) or a run record from the
`headrace_flow_runs` fixture, and raises AssertionError with the state, its message and, for
lists, a diff.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from headrace.states import State
from headrace.testing.history import FlowRunRecord, RunRecord, TaskRunRecord

__all__ = ["assert_completed", "assert_failed", "assert_task_order", "assert_task_states"]


def _describe(state: State | RunRecord) -> str:
    if isinstance(state, State):
        text = str(state)
        error = _exception_of(state)
        if error is not None and repr(error) not in text:
            text += f"\n  exception: {error!r}"
        return text
    message = f"({state.state_message!r})" if state.state_message else "()"
    kind = "task" if isinstance(state, TaskRunRecord) else "flow"
    return f"{state.state_name}{message} [{kind} run {state.name!r}]"


def _exception_of(state: State) -> BaseException | None:
    if isinstance(state.data, BaseException):
        return state.data
    if not state.is_final() or state.is_completed():
        return None
    try:
        state.result(_sync=True)
    except BaseException as exc:  # noqa: BLE001 - the run's own error is what we want
        return exc
    return None


def _state_type(state: State | RunRecord) -> str:
    return state.type.value if isinstance(state, State) else state.state_type


def assert_completed(state: State | RunRecord) -> None:
    """The run ended Completed (a Cached state counts: its type is COMPLETED)."""
    __tracebackhide__ = True
    if _state_type(state) != "COMPLETED":
        raise AssertionError(f"expected a Completed state, got {_describe(state)}")


def assert_failed(
    state: State | RunRecord,
    exception: type[BaseException] | None = None,
    match: str | None = None,
) -> None:
    """The run ended Failed, optionally by an `exception` whose message matches `match`.

    `match` is a regular expression searched in the exception's message, as in
    `pytest.raises`. A run record keeps only the state message, so for records the
    exception's class name and `match` are looked for in that message.
    """
    __tracebackhide__ = True
    if _state_type(state) != "FAILED":
        raise AssertionError(f"expected a Failed state, got {_describe(state)}")
    if isinstance(state, State):
        _check_exception(state, exception, match)
        return
    message = state.state_message or ""
    if exception is not None and exception.__name__ not in message:
        raise AssertionError(
            f"expected the run to fail with {exception.__name__}, got {_describe(state)}"
        )
    if match is not None and not re.search(match, message):
        raise AssertionError(f"state message does not match {match!r}: {message!r}")


def _check_exception(
    state: State, exception: type[BaseException] | None, match: str | None
) -> None:
    __tracebackhide__ = True
    if exception is None and match is None:
        return
    error = _exception_of(state)
    if exception is not None and not isinstance(error, exception):
        got = f"{type(error).__name__}: {error}" if error is not None else "no exception"
        raise AssertionError(
            f"expected the run to fail with {exception.__name__}, got {got}\n  state: {state}"
        )
    if match is not None and not re.search(match, str(error)):
        raise AssertionError(
            f"exception message does not match {match!r}\n"
            f"  exception: {type(error).__name__}: {error}"
        )


def _diff(expected: Sequence[str], actual: Sequence[str]) -> str:
    lines = difflib.unified_diff(
        list(expected), list(actual), "expected", "actual", lineterm="", n=len(expected)
    )
    return "\n".join(f"  {line}" for line in lines)


def assert_task_order(flow_run: FlowRunRecord, expected: Sequence[str]) -> None:
    """The flow run created runs of exactly these tasks, in this order.

    Entries are task names (`"extract"`) or task run names (`"extract-1"`); the order is
    the order in which task runs were created, which for `.submit()` is submission order.
    """
    __tracebackhide__ = True
    runs = flow_run.task_runs
    by_task = [run.task_name for run in runs]
    by_run = [run.name for run in runs]
    if list(expected) in (by_task, by_run):
        return
    run_names_given = bool(expected) and all(re.search(r"-\d+$", name) for name in expected)
    actual = by_run if run_names_given else by_task
    raise AssertionError(
        f"flow run {flow_run.name!r} ({flow_run.flow_name}) ran tasks in a different order:\n"
        + _diff(expected, actual)
    )


def assert_task_states(flow_run: FlowRunRecord, expected: dict[str, str]) -> None:
    """Each named task run (`"load-0"`, or a task name that ran once) ended in the given
    state name (`"Completed"`, `"Failed"`, `"Cached"`, ...)."""
    __tracebackhide__ = True
    actual = {}
    for name in expected:
        try:
            actual[name] = flow_run.task_run(name).state_name
        except LookupError as exc:
            actual[name] = f"<{exc}>"
    if actual != expected:
        wanted = [f"{name}: {state}" for name, state in expected.items()]
        got = [f"{name}: {state}" for name, state in actual.items()]
        raise AssertionError(
            f"task states of flow run {flow_run.name!r} ({flow_run.flow_name}) differ:\n"
            + _diff(wanted, got)
        )
