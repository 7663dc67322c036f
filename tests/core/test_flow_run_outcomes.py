"""How flow runs end: SIGTERM, cancellation, returned run states, subflows across retries."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from headrace import flow, task
from headrace.exceptions import ReservedArgumentError, TerminationSignal
from headrace.runtime import flow_run as current_run
from headrace.settings import PREFECT_FLOW_DEFAULT_RETRIES, temporary_settings
from headrace.states import Cancelled, Cancelling, State
from headrace.store import get_store

needs_main_thread = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(),
    reason="signal handlers are installed from the main thread only",
)


def recorded_state(run_id: str) -> tuple[str, str]:
    get_store().flush()
    row = get_store().runs.read_flow_run(run_id)
    assert row is not None
    return row["state_type"], row["state_message"]


@needs_main_thread
def test_sigterm_ends_the_run_crashed_and_restores_the_handler() -> None:
    seen: list[str] = []
    ran: list[str] = []
    before = signal.getsignal(signal.SIGTERM)

    @flow(on_crashed=[lambda f, run, state: seen.append(state.type.value)])
    def terminated() -> None:
        ran.append(current_run.id)
        os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(TerminationSignal):
        terminated(return_state=True)
    assert seen == ["CRASHED"]
    assert recorded_state(ran[0]) == ("CRASHED", "Execution was interrupted: SIGTERM")
    assert signal.getsignal(signal.SIGTERM) is before


@needs_main_thread
def test_sigterm_after_a_cancel_request_ends_parent_and_subflow_cancelled() -> None:
    calls: list[str] = []

    @flow(
        on_cancellation=[lambda f, run, state: calls.append("child cancelled")],
        on_crashed=[lambda f, run, state: calls.append("child crashed")],
    )
    def child() -> None:
        # what `headrace flow-run cancel` does: mark the run Cancelling, then signal it
        get_store().flush()
        parent_id = current_run.parent_flow_run_id
        get_store().runs.set_flow_run_state(parent_id, "CANCELLING", "Cancelling", "by test")
        os.kill(os.getpid(), signal.SIGTERM)

    @flow(on_cancellation=[lambda f, run, state: calls.append("parent cancelled")])
    def parent() -> None:
        child()

    with pytest.raises(TerminationSignal):
        parent()
    assert calls == ["child cancelled", "parent cancelled"]


def test_a_flow_ending_cancelling_runs_cancellation_hooks() -> None:
    calls: list[str] = []

    @flow(on_cancellation=[lambda f, run, state: calls.append(state.type.value)])
    def stop() -> State:
        return Cancelling()

    assert stop(return_state=True).is_cancelling()
    assert calls == ["CANCELLING"]


def test_returned_run_states_aggregate_cancelled_before_failed() -> None:
    @task
    def cancel() -> State:
        return Cancelled()

    @task
    def fail() -> None:
        raise ValueError("nope")

    @task
    def succeed() -> bool:
        return True

    @flow
    def mixed():
        return cancel.submit(), succeed.submit(), fail.submit()

    state = mixed(return_state=True)
    assert (state.is_cancelled(), state.message) == (True, "1/3 states cancelled.")
    first, second, third = state.result(raise_on_failure=False)
    assert first.is_cancelled() and second.is_completed() and third.is_failed()

    @flow
    def one_failed():
        return fail(return_state=True)

    failed = one_failed(return_state=True)
    assert failed.is_failed()
    assert failed.result(raise_on_failure=False).is_failed()  # the task's own state


def test_a_future_given_to_a_subflow_arrives_as_its_result() -> None:
    @task
    def make() -> dict:
        return {"data": 1}

    @flow
    def child(value: dict) -> dict:
        return value

    @flow
    def parent() -> dict:
        return child(make.submit())

    assert parent() == {"data": 1}


def test_a_retry_does_not_run_again_a_subflow_that_completed() -> None:
    counts = {"parent": 0, "child": 0, "other": 0}

    @flow
    def child(tag: str) -> str:
        counts["child"] += 1
        return tag

    @flow
    def other() -> None:
        counts["other"] += 1
        if counts["other"] == 1:
            raise RuntimeError("first attempt fails")

    @flow(retries=1)
    def parent() -> list[str]:
        counts["parent"] += 1
        tags = [child("a"), child("b")]
        other()
        return tags

    assert parent() == ["a", "b"]
    # the two child calls completed in the first attempt; the failed one ran again
    assert counts == {"parent": 2, "child": 2, "other": 2}


def test_flows_take_default_retries_from_settings() -> None:
    attempts: list[int] = []
    with temporary_settings(updates={PREFECT_FLOW_DEFAULT_RETRIES: 1}):

        @flow
        def flaky() -> str:
            attempts.append(1)
            if len(attempts) == 1:
                raise ValueError("once")
            return "ok"

    assert flaky.retries == 1
    assert flaky() == "ok" and len(attempts) == 2


def test_return_state_is_a_reserved_parameter_name() -> None:
    with pytest.raises(ReservedArgumentError, match="'return_state' is a reserved argument"):
        flow(lambda return_state: 1)
