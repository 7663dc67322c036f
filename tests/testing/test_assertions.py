"""The assertion helpers pass quietly and fail with messages that show what happened."""

from __future__ import annotations

import pytest

from headrace import flow, task
from headrace.states import Completed, Crashed, Failed
from headrace.testing.assertions import (
    assert_completed,
    assert_failed,
    assert_task_order,
    assert_task_states,
)
from headrace.testing.history import FlowRunHistory
from headrace.testing.utilities import headrace_test_harness


@task
def step(name: str) -> str:
    if name == "bad":
        raise KeyError(name)
    return name


@flow
def pipeline(names: list[str]) -> list[str]:
    return [step(name) for name in names]


def test_completed() -> None:
    assert_completed(Completed(data=1))
    with pytest.raises(AssertionError, match=r"expected a Completed state, got Failed\('oops'"):
        assert_completed(Failed(message="oops", data=ValueError("oops")))


def test_failed_with_exception_type_and_message() -> None:
    state = Failed(message="Task run encountered an exception", data=ValueError("bad row 7"))
    assert_failed(state)
    assert_failed(state, ValueError, match=r"row \d")
    with pytest.raises(AssertionError, match="fail with KeyError, got ValueError: bad row 7"):
        assert_failed(state, KeyError)
    with pytest.raises(AssertionError, match="does not match 'row 8'"):
        assert_failed(state, match="row 8")
    with pytest.raises(AssertionError, match="expected a Failed state, got Crashed"):
        assert_failed(Crashed(message="interrupted"))


def test_records_and_task_order_and_states() -> None:
    with headrace_test_harness():
        pipeline(["a", "b", "a"])
        pipeline(["a", "bad"], return_state=True)
        ok, failed = FlowRunHistory().all()
        assert_completed(ok)
        assert_failed(failed, KeyError, match="bad")
        assert_failed(failed.task_run("step-1"), KeyError)
        assert_task_order(ok, ["step", "step", "step"])
        assert_task_order(ok, ["step-0", "step-1", "step-2"])
        assert_task_states(failed, {"step-0": "Completed", "step-1": "Failed"})
        with pytest.raises(AssertionError) as order:
            assert_task_order(ok, ["step", "step"])
        with pytest.raises(AssertionError) as states:
            assert_task_states(failed, {"step-1": "Completed", "step": "Completed"})
        with pytest.raises(AssertionError, match="fail with TypeError"):
            assert_failed(failed, TypeError)
    assert "ran tasks in a different order" in str(order.value)
    assert "+step" in str(order.value)
    text = str(states.value)
    assert "-step-1: Completed" in text and "+step-1: Failed" in text
    assert "task 'step' ran 2 times" in text
