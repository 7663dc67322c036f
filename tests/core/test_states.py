import pytest

from headrace import states
from headrace.exceptions import CrashedRun, FailedRun, UnfinishedRun
from headrace.states import StateType


def test_variant_names_keep_their_types():
    assert states.Retrying().type is StateType.RUNNING
    assert states.Cached().type is StateType.COMPLETED
    assert states.TimedOut().type is StateType.FAILED
    assert states.NotReady().type is StateType.PENDING
    assert states.AwaitingRetry().type is StateType.SCHEDULED
    assert states.AwaitingRetry().name == "AwaitingRetry"


def test_completed_result_and_repr():
    state = states.Completed(data=42)
    assert state.result() == 42
    assert state.is_completed() and state.is_final()
    assert repr(state) == "Completed(message=None, type=COMPLETED, result=42)"
    assert str(state) == "Completed()"
    assert str(states.Cached(message="hit")) == "Cached('hit', type=COMPLETED)"


def test_failed_state_raises_its_exception_or_returns_it():
    error = ValueError("boom")
    state = states.Failed(data=error, message="x")
    with pytest.raises(ValueError, match="boom"):
        state.result()
    assert state.result(raise_on_failure=False) is error


def test_failed_state_without_exception_raises_failed_run():
    with pytest.raises(FailedRun, match="negative"):
        states.Failed(message="negative").result()
    with pytest.raises(CrashedRun):
        states.Crashed().result()


def test_unfinished_state_result():
    with pytest.raises(UnfinishedRun):
        states.Running().result()
    assert states.Pending().result(raise_on_failure=False) is None


def test_failed_group_raises_the_first_failure():
    error = KeyError("second")
    grouped = states.Failed(data=[states.Completed(data=1), states.Failed(data=error)])
    with pytest.raises(KeyError):
        grouped.result()
    assert states.is_state_iterable([states.Completed()])
    assert not states.is_state_iterable([])
