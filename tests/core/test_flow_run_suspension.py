"""A flow run suspended from elsewhere in its own process leaves at its next timed wait on
a future (and its subflows with it), as Prefect's runs do."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from headrace import flow, suspend_flow_run, task
from headrace.context import FlowRunContext
from headrace.exceptions import Pause
from headrace.futures import wait
from headrace.settings import get_settings
from headrace.store import get_store


def _as_deployment_run() -> str:
    """Give the current flow run a deployment in the store (only those can be suspended;
    a deployment's run gets it from its worker, which this test has none of)."""
    run_id = FlowRunContext.get().flow_run.id
    get_store().flush()
    with sqlite3.connect(get_settings().database) as db:
        db.execute("UPDATE flow_runs SET deployment_id = 'd-1' WHERE id = ?", (run_id,))
    return run_id


def _suspend_when_started(started: threading.Event, ids: dict) -> threading.Thread:
    def suspend() -> None:
        assert started.wait(20)
        suspend_flow_run(flow_run_id=ids["root"], timeout=60)

    thread = threading.Thread(target=suspend)
    thread.start()
    return thread


@pytest.mark.parametrize("how", ["future.wait", "future.result", "futures.wait"])
def test_suspending_a_run_of_this_process_stops_it_at_its_next_timed_wait(how):
    release, started, ids, loops = threading.Event(), threading.Event(), {}, []

    @task
    def slow() -> int:
        release.wait(20)
        return 1

    @flow
    def supervisor() -> str:
        ids["root"] = _as_deployment_run()
        future = slow.submit()
        started.set()
        deadline = time.monotonic() + 20
        try:
            while time.monotonic() < deadline:
                loops.append(1)
                if how == "future.wait":
                    future.wait(0.02)
                elif how == "future.result":
                    try:
                        return str(future.result(timeout=0.02))
                    except TimeoutError:
                        pass
                else:
                    wait([future], timeout=0.02)
        except Pause:
            release.set()  # the run leaves: let its task end too
            raise
        return "never suspended"

    thread = _suspend_when_started(started, ids)
    try:
        with pytest.raises(Pause):
            supervisor()
    finally:
        release.set()
        thread.join()
    assert loops  # it waited at least once before leaving
    get_store().flush()
    row = get_store().runs.read_flow_run(ids["root"])
    assert (row["state_type"], row["state_name"]) == ("PAUSED", "Suspended")


def test_a_subflow_leaves_with_its_parent_and_the_next_run_starts_unsuspended():
    release, started, ids = threading.Event(), threading.Event(), {}

    @task
    def slow() -> int:
        release.wait(20)
        return 1

    @flow
    def child() -> int:
        future = slow.submit()
        started.set()
        try:
            while True:
                future.wait(0.02)
        except Pause:
            release.set()
            raise

    @flow
    def parent() -> int:
        ids["root"] = _as_deployment_run()
        return child()

    thread = _suspend_when_started(started, ids)
    try:
        with pytest.raises(Pause):
            parent()
    finally:
        release.set()
        thread.join()

    release.clear()

    @flow
    def plain() -> int:
        future = slow.submit()
        release.set()
        future.wait(0.001)  # a timed wait of a new run: nothing was asked of this one
        return future.result()

    assert plain() == 1
