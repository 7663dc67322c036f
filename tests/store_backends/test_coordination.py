"""What several processes or machines rely on, on both SQL backends: one slot is taken
once, a due run is claimed once, schedules agree. Threads stand in for processes: each
has its own database connection, as a process would."""

from __future__ import annotations

import threading

import pytest

from headrace.concurrency.errors import ConcurrencySlotAcquisitionError
from headrace.exceptions import ObjectAlreadyExists, ObjectNotFound
from headrace.store import open_store
from headrace.store.interface import DeploymentRecord


def _together(count, work):
    """Run `work(i)` in `count` threads released at the same moment; their results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_last_slot_goes_to_exactly_one_contender(store_url):
    stores = [open_store(store_url) for _ in range(2)]  # two "processes"
    try:
        stores[0].concurrency.create("db", 3, 0.0, True, False)
        attempts = _together(
            8,
            lambda i: stores[i % 2].concurrency.try_acquire(["db"], 1, f"lease-{i}", f"h{i}", 60),
        )
        assert sum(a.acquired for a in attempts) == 3
        (limit,) = stores[1].concurrency.list("db")
        assert limit.active_slots == 3 and len(limit.holders) == 3
    finally:
        for store in stores:
            store.close()


def test_slots_are_taken_all_or_none_and_come_back(store):
    store.concurrency.create("a", 1, 0.0, True, False)
    store.concurrency.create("b", 1, 0.0, True, False)
    assert store.concurrency.try_acquire(["b"], 1, "holder-b", "x", 60).acquired
    refused = store.concurrency.try_acquire(["a", "b", "ghost"], 1, "both", "y", 60)
    assert not refused.acquired and refused.missing == ("ghost",)
    assert store.concurrency.list("a")[0].active_slots == 0  # nothing taken on "a"
    store.concurrency.release("holder-b")
    assert store.concurrency.try_acquire(["a", "b"], 1, "both", "y", 60).acquired
    assert store.concurrency.renew(["both", "unknown"], 60) == ["unknown"]
    store.concurrency.reset("a")
    assert store.concurrency.renew(["both"], 60) == []  # still held on "b"
    with pytest.raises(ConcurrencySlotAcquisitionError, match="do not exist"):
        store.concurrency.try_acquire(["ghost"], 1, "z", "z", 60, strict=True)
    with pytest.raises(ObjectAlreadyExists):
        store.concurrency.create("a", 2, 0.0, True, False)
    assert store.concurrency.create("a", 2, 0.0, False, True).limit == 2
    assert store.concurrency.active_limits() == {"b": 1}
    store.concurrency.delete("a")
    with pytest.raises(ObjectNotFound):
        store.concurrency.update("a", limit=3)


def test_rate_limit_slots_decay(store):
    store.concurrency.create("api", 2, 1.0, True, False)
    assert store.concurrency.try_acquire(["api"], 2, None, "x", 0).acquired
    refused = store.concurrency.try_acquire(["api"], 1, None, "x", 0)
    assert not refused.acquired and 0 < refused.retry_after <= 1.0
    with pytest.raises(ConcurrencySlotAcquisitionError, match="slot_decay"):
        store.concurrency.create("plain", 1, 0.0, True, False)
        store.concurrency.try_acquire(["plain"], 1, None, "x", 0)


def _deployment(store, name="daily", schedules=None):
    record = DeploymentRecord(
        id="",
        name=name,
        flow_name="etl",
        path="/srv",
        entrypoint="flows.py:etl",
        work_pool_name="pool",
        parameters={"n": 1},
        tags=["prod"],
        schedules=schedules or [{"interval": 60}],
    )
    return store.deployments.save(record)


def test_each_due_run_is_claimed_once(store_url):
    stores = [open_store(store_url) for _ in range(3)]
    try:
        deployment = _deployment(stores[0])
        slots = [(1000.0 + i, {"n": i}) for i in range(30)]
        created = stores[0].deployments.create_scheduled_runs(deployment, slots)
        assert len(created) == 30
        # a second scheduler making the same slots creates nothing new
        assert stores[1].deployments.create_scheduled_runs(deployment, slots) == []

        def claim(i):
            store = stores[i % 3]
            taken = []
            while True:
                rows = store.deployments.claim_due_runs(
                    [deployment.id], f"worker-{i}", 2000.0, 2, f"{i}:1@host"
                )
                if not rows:
                    return taken
                taken += [row["id"] for row in rows]

        claimed = [run_id for taken in _together(6, claim) for run_id in taken]
        assert sorted(claimed) == sorted(created)  # every run once, none twice
        row = stores[0].deployments.deployment_runs(deployment.id)[0]
        assert row["state_type"] == "PENDING" and row["worker_id"].startswith("worker-")
    finally:
        for store in stores:
            store.close()


def test_deployments_schedules_and_missed_runs(store):
    store.deployments.create_work_pool("pool", "process", False)
    with pytest.raises(ObjectAlreadyExists):
        store.deployments.create_work_pool("pool", "process", False)
    deployment = _deployment(store)
    assert deployment.id and deployment.tags == ["prod"] and deployment.created
    assert store.deployments.read_by_name("etl", "daily").id == deployment.id
    store.deployments.create_scheduled_runs(deployment, [(t, {}) for t in (10.0, 20.0, 30.0)])
    requested = store.deployments.create_flow_run(deployment, {"n": 5}, 15.0, name="by-hand")
    assert store.deployments.next_scheduled_time([deployment.id]) == 10.0
    assert store.deployments.skip_missed_runs([deployment.id], 25.0) == 1  # 10 skipped, 20 kept
    states = {
        r["scheduled_time"]: r["state_name"]
        for r in store.deployments.deployment_runs(deployment.id)
    }
    assert states == {10.0: "Cancelled", 15.0: "Scheduled", 20.0: "Scheduled", 30.0: "Scheduled"}
    # new schedules drop the old schedule's unstarted runs, not the requested one
    deployment.schedules = [{"cron": "0 * * * *"}]
    store.deployments.save(deployment)
    left = {
        r["id"]
        for r in store.deployments.deployment_runs(deployment.id)
        if r["state_type"] == "SCHEDULED"
    }
    assert left == {requested}
    assert store.deployments.set_paused(deployment.id, True)
    assert store.deployments.list(work_pool_name="pool")[0].paused is True
    assert store.deployments.delete(deployment.id)
    assert store.deployments.read(deployment.id) is None
    assert store.runs.read_flow_run(requested) is None  # unstarted runs go with it


def test_workers_heartbeat_and_silence(store):
    store.deployments.register_worker("w1", "first", "pool", 111)
    store.deployments.register_worker("w2", "second", "pool", 222)
    assert {w["name"] for w in store.deployments.list_workers("pool")} == {"first", "second"}
    store.deployments.stop_worker("w2")
    silent = store.deployments.silent_workers(silent_since=10**12)
    assert [w["id"] for w in silent] == ["w1"]
    assert store.deployments.silent_workers(silent_since=0) == []
