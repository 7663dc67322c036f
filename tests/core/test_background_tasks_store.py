"""The task queue and the pause rows on each SQL backend (SQLite and PostgreSQL): claims
race from threads with their own connections, leases expire, resumes race timeouts."""

from __future__ import annotations

import threading
import time

import pytest

from headrace.exceptions import FlowPauseTimeout, NotPausedError
from headrace.run_records import FlowRun
from headrace.states import Running
from headrace.store import get_store

pytestmark = pytest.mark.usefixtures("store_backend")


def enqueue(run_id: str, key: str = "k", attempts: int = 1) -> None:
    get_store().task_queue.enqueue(run_id, key, "t", f"t-{run_id}", ["a"], b"call", attempts)


def test_racing_claims_take_each_run_once() -> None:
    queue = get_store().task_queue
    ids = [f"00000000-0000-7000-8000-{n:012d}" for n in range(40)]
    for run_id in ids:
        enqueue(run_id)
    enqueue("00000000-0000-7000-8000-999999999999", key="other")  # not asked for
    taken: dict[str, list[str]] = {"a": [], "b": []}

    def claim_all(worker: str) -> None:
        while True:
            rows = queue.claim(["k"], worker, "1:1@elsewhere", 30, 3)
            if not rows:
                return
            taken[worker] += [row["task_run_id"] for row in rows]

    threads = [threading.Thread(target=claim_all, args=(name,)) for name in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(taken["a"] + taken["b"]) == ids
    assert not set(taken["a"]) & set(taken["b"])
    row = get_store().runs.read_task_run(ids[0])
    assert (row["state_type"], row["name"], row["tags"]) == ("SCHEDULED", f"t-{ids[0]}", ["a"])


def test_expired_leases_requeue_then_crash_and_late_completions_are_refused() -> None:
    queue = get_store().task_queue
    run_id = "00000000-0000-7000-8000-000000000001"
    enqueue(run_id, attempts=2)
    (first,) = queue.claim(["k"], "w1", "1:1@elsewhere", 0.05, 5)
    assert first["attempts"] == 1 and first["payload"] == b"call"
    deadline = time.monotonic() + 10
    while not queue.reap():  # the lease runs out on the clock, nothing sleeps for it
        assert time.monotonic() < deadline
    assert queue.read_outcome(run_id)["status"] == "scheduled"
    assert queue.renew([run_id], "w1", 30) == [run_id]  # w1 lost it
    (second,) = queue.claim(["k"], "w2", "1:1@elsewhere", 0.05, 5)
    assert second["attempts"] == 2
    assert not queue.complete(run_id, "w1", "completed", "Completed", None, b"late")
    while not queue.reap():
        assert time.monotonic() < deadline
    outcome = queue.read_outcome(run_id)
    assert (outcome["status"], outcome["state_name"]) == ("crashed", "Crashed")
    assert not queue.complete(run_id, "w2", "completed", "Completed", None, b"late")
    assert get_store().runs.read_task_run(run_id)["state_type"] == "CRASHED"


def test_a_completed_run_keeps_its_outcome() -> None:
    queue = get_store().task_queue
    run_id = "00000000-0000-7000-8000-000000000002"
    enqueue(run_id)
    queue.claim(["k"], "w", "1:1@elsewhere", 30, 1)
    assert queue.renew([run_id], "w", 30) == []
    assert queue.complete(run_id, "w", "completed", "Completed", None, b"\x00value")
    assert queue.read_outcome(run_id)["outcome"] == b"\x00value"
    assert queue.read_outcome("nope") is None


def test_pauses_resume_once_and_check_their_input() -> None:
    store = get_store()
    run = FlowRun("paused", {})
    run.state = Running()
    store.runs.record_flow_run(run)
    inputs = store.flow_run_inputs
    keyset = {"schema": "k-schema", "response": "k-response", "description": "k-description"}
    schema = '{"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}'
    inputs.create_input(run.id, "k-schema", schema, None)
    assert inputs.pause(run.id, "1", False, 60, keyset) == "paused"
    with pytest.raises(ValueError, match="'n' is a required property"):
        inputs.resume(run.id, {})
    assert inputs.resume(run.id, {"n": 3})["status"] == "resumed"
    assert inputs.read_input(run.id, "k-response")["value"] == '{"n": 3}'
    assert store.runs.read_flow_run(run.id)["state_type"] == "RUNNING"
    with pytest.raises(NotPausedError):
        inputs.resume(run.id, {"n": 4})
    assert inputs.pause(run.id, "1", False, 60, keyset) == "resumed"  # the same key again
    assert not inputs.expire_pause(run.id, "1")
    # a second pause times out: the pauser's expiry and a resume cannot both win
    assert inputs.pause(run.id, "2", False, 60, None) == "paused"
    assert inputs.expire_pause(run.id, "2")
    with pytest.raises(NotPausedError):
        inputs.resume(run.id, None)
    assert inputs.pause(run.id, "3", False, 0.01, None) == "paused"
    deadline = inputs.read_pause(run.id, "3")["timeout_at"]
    while time.time() <= deadline:
        pass
    with pytest.raises(FlowPauseTimeout):
        inputs.resume(run.id, None)


def test_inputs_filter_by_prefix_in_order() -> None:
    inputs = get_store().flow_run_inputs
    for key in ("a-1", "a-2", "a_3", "b-1"):
        inputs.create_input("run", key, f'"{key}"', "me")
    keys = [row["key"] for row in inputs.filter_inputs("run", "a-", 10, ["a-1"])]
    assert keys == ["a-2"]  # "_" is not a wildcard, excluded keys are left out
    with pytest.raises(ValueError):
        inputs.create_input("run", "bad", "not json", None)
    assert inputs.delete_input("run", "a-2") and not inputs.delete_input("run", "a-2")
