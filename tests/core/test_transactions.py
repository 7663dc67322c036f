"""Transactions: staged values written on commit, hooks, nesting, and SERIALIZABLE
isolation holding across real processes through a FileSystemLockManager."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from headrace.locking import FileSystemLockManager, MemoryLockManager
from headrace.results import ConfigurationError, ResultStore
from headrace.transactions import (
    CommitMode,
    IsolationLevel,
    TransactionState,
    get_transaction,
    transaction,
)


def test_commit_writes_the_staged_value_and_runs_hooks(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    calls: list[str] = []
    with transaction(key="report", store=store) as txn:
        assert get_transaction() is txn and txn.is_active()
        txn.stage({"rows": 3}, on_commit_hooks=[lambda t: calls.append(f"commit {t.key}")])
    assert txn.is_committed() and calls == ["commit report"]
    assert get_transaction() is None
    assert ResultStore(tmp_path).read("report").result == {"rows": 3}
    # the work is done: a new transaction on the key starts out committed
    with transaction(key="report", store=store) as again:
        assert again.is_committed()
        assert again.read().result == {"rows": 3}


def test_an_error_rolls_back_newest_hook_first_and_writes_nothing(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    calls: list[str] = []
    with pytest.raises(RuntimeError, match="load failed"), transaction(key="k", store=store) as txn:
        txn.stage(1, on_rollback_hooks=[lambda t: calls.append("first")])
        txn.stage(2, on_rollback_hooks=[lambda t: calls.append("second")])
        raise RuntimeError("load failed")
    assert txn.state is TransactionState.ROLLED_BACK
    assert calls == ["second", "first"]
    assert not store.exists("k")


def test_children_commit_with_the_parent_and_roll_back_with_it(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    with transaction() as parent:
        parent.set("batch", [1, 2])
        with transaction(key="child-ok", store=store) as child:
            assert child.get("batch") == [1, 2]  # values are read through the parent
            child.stage("ok")
        assert not store.exists("child-ok")  # LAZY: written when the outermost commits
    assert store.read("child-ok").result == "ok" and child.is_committed()

    rolled: list[str] = []
    with pytest.raises(ValueError), transaction():
        with transaction(key="child-2", store=store) as child2:
            child2.stage("x", on_rollback_hooks=[lambda t: rolled.append(t.key)])
        raise ValueError("parent fails after the child finished")
    assert rolled == ["child-2"] and not store.exists("child-2")


def test_eager_commit_and_off_mode(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    with transaction():
        with transaction(key="eager", store=store, commit_mode=CommitMode.EAGER) as eager:
            eager.stage(1)
        assert store.exists("eager")  # written when its own block ended
    with transaction(key="off", store=store, commit_mode=CommitMode.OFF) as off:
        off.stage(1)
    assert off.is_rolled_back() and not store.exists("off")


def test_serializable_needs_a_lock_manager(tmp_path: Path) -> None:
    with (
        pytest.raises(ConfigurationError, match="SERIALIZABLE"),
        transaction(
            key="k", store=ResultStore(tmp_path), isolation_level=IsolationLevel.SERIALIZABLE
        ),
    ):
        pass
    locked = ResultStore(tmp_path, lock_manager=MemoryLockManager())
    with transaction(key="k", store=locked, isolation_level=IsolationLevel.SERIALIZABLE) as txn:
        assert locked.is_locked("k")
        txn.stage(5)
    assert not locked.is_locked("k")


WORKER = textwrap.dedent(
    """
    import sys, time
    from headrace.locking import FileSystemLockManager
    from headrace.results import ResultStore
    from headrace.transactions import IsolationLevel, transaction

    results, locks, log, name = sys.argv[1:5]
    store = ResultStore(results, lock_manager=FileSystemLockManager(locks))
    with transaction(key="nightly", store=store,
                     isolation_level=IsolationLevel.SERIALIZABLE) as txn:
        if txn.is_committed():
            outcome = "skipped"  # another process did the work while we waited
        else:
            with open(log, "a") as f:
                f.write(f"start {name} {time.time()}\\n")
            time.sleep(0.4)  # the work itself
            with open(log, "a") as f:
                f.write(f"end {name} {time.time()}\\n")
            txn.stage(f"done by {name}")
            outcome = "ran"
    print(outcome)
    """
)


def test_serializable_transactions_hold_across_processes(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    args = [str(tmp_path / "results"), str(tmp_path / "locks"), str(log)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, *args, name], stdout=subprocess.PIPE, text=True
        )
        for name in ("a", "b")
    ]
    outcomes = sorted(worker.communicate(timeout=60)[0].strip() for worker in workers)
    assert [worker.returncode for worker in workers] == [0, 0]
    assert outcomes == ["ran", "skipped"]  # exactly once, never twice at the same time
    assert len(log.read_text().splitlines()) == 2
    record = ResultStore(tmp_path / "results").read("nightly")
    assert record.result in ("done by a", "done by b")
    assert not FileSystemLockManager(tmp_path / "locks").is_locked("nightly")


def test_file_locks_lapse_after_their_hold_timeout(tmp_path: Path) -> None:
    locks = FileSystemLockManager(tmp_path)
    assert locks.acquire_lock("k", "one", hold_timeout=0.2)
    assert not locks.acquire_lock("k", "two", acquire_timeout=0)
    assert locks.acquire_lock("k", "two", acquire_timeout=5)  # waits for the lapse
    assert locks.is_lock_holder("k", "two")
    with pytest.raises(ValueError, match="No lock held by one"):
        locks.release_lock("k", "one")
    locks.release_lock("k", "two")
    assert locks.wait_for_lock("k", timeout=0)


def test_task_hooks_commit_and_roll_back_with_the_transaction() -> None:
    from headrace import flow, task

    calls: list[str] = []

    @task(on_commit=[lambda txn: calls.append("commit load")])
    def load(x: int) -> int:
        return x

    @load.on_rollback
    def undo_load(txn: object) -> None:
        calls.append("rollback load")

    @task
    def publish(x: int) -> int:
        raise RuntimeError("publish failed")

    @flow
    def pipeline(fail: bool) -> None:
        with transaction():
            load(1)
            assert calls == []  # committed with the transaction, not before
            if fail:
                publish(1)

    pipeline(False)
    assert calls == ["commit load"]
    calls.clear()
    with pytest.raises(RuntimeError, match="publish failed"):
        pipeline(True)
    assert calls == ["rollback load"]
    calls.clear()

    @flow
    def without_transaction() -> None:
        load(2)
        assert calls == ["commit load"]  # outside a transaction: at once

    without_transaction()


def test_async_transactions_commit_off_the_loop_and_run_async_hooks_on_it(
    tmp_path: Path,
) -> None:
    import asyncio
    import threading

    from headrace.exceptions import ConfigurationError as PublicConfigurationError
    from headrace.transactions import AsyncTransaction, atransaction

    assert ConfigurationError is PublicConfigurationError  # one class users can catch
    store = ResultStore(tmp_path)
    seen: list[tuple[str, bool]] = []

    async def on_commit(txn: AsyncTransaction) -> None:
        # an async hook runs on the caller's event loop, with the loop thread's identity
        seen.append((txn.key, threading.current_thread() is loop_thread))

    async def main() -> AsyncTransaction:
        async with atransaction(key="outer", store=store) as outer:
            assert isinstance(outer, AsyncTransaction) and get_transaction() is outer
            async with AsyncTransaction(key="inner", store=store) as inner:
                assert inner.get_parent() is outer
                inner.stage("inner value", on_commit_hooks=[on_commit])
            assert not inner.is_committed()  # the parent commits it, later
            outer.stage("outer value", on_commit_hooks=[on_commit])
        assert get_transaction() is None
        assert (await outer.read()).result == "outer value"
        return inner

    loop_thread = threading.current_thread()
    inner = asyncio.run(main())
    assert inner.is_committed()
    assert sorted(seen) == [("inner", True), ("outer", True)]
    assert ResultStore(tmp_path).read("inner").result == "inner value"

    with pytest.raises(NotImplementedError, match="async with"), AsyncTransaction():
        pass


def test_transactions_take_their_fields_and_compare_by_them() -> None:
    from headrace.transactions import AsyncTransaction, Transaction

    for cls in (Transaction, AsyncTransaction):
        staged = cls(key="k", state=TransactionState.STAGED)
        assert staged.is_staged() and not staged.is_active()
        assert staged == cls(key="k", state="STAGED")
        assert staged != cls(key="k")
