"""Prefect's results API: records and metadata, metadata storage, bare results, expiry,
which runs persist, every run's result store, and the future family."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading
import uuid
from pathlib import Path

import pytest

from headrace import flow, task
from headrace.context import get_run_context
from headrace.filesystems import LocalFileSystem, NullFileSystem
from headrace.futures import PrefectConcurrentFuture, as_completed, wait
from headrace.locking import MemoryLockManager
from headrace.results import (
    ResultRecord,
    ResultRecordMetadata,
    ResultStore,
    should_persist_result,
)
from headrace.serializers import JSONSerializer, Serializer
from headrace.settings import (
    PREFECT_RESULTS_DEFAULT_SERIALIZER,
    PREFECT_RESULTS_PERSIST_BY_DEFAULT,
    PREFECT_TASKS_DEFAULT_PERSIST_RESULT,
    temporary_settings,
)
from headrace.states import Completed


def test_record_round_trip_and_metadata(tmp_path: Path) -> None:
    store = ResultStore(result_storage=LocalFileSystem(basepath=tmp_path), serializer="json")
    record = store.create_result_record({"a": 1}, key="k")
    assert Path(record.metadata.storage_key) == tmp_path.resolve() / "k"
    store.persist_result_record(record)
    again = ResultRecord.deserialize((tmp_path / "k").read_bytes())
    assert again == record and again.result == {"a": 1}
    metadata = ResultRecordMetadata.load_bytes(record.metadata.dump_bytes())
    assert metadata == record.metadata and metadata.serializer == JSONSerializer()
    # a state holding only the metadata reads its result from storage
    assert Completed(data=record.metadata).result() == {"a": 1}


def test_metadata_storage_apart_and_bare_results(tmp_path: Path) -> None:
    store = ResultStore(
        result_storage=LocalFileSystem(basepath=tmp_path / "results"),
        metadata_storage=LocalFileSystem(basepath=tmp_path / "meta"),
        serializer="json",
    )
    store.write("value", key="k")
    assert JSONSerializer().loads((tmp_path / "results" / "k").read_bytes()) == "value"
    assert store.exists("k")
    (tmp_path / "meta" / "k").unlink()
    assert not store.exists("k")  # without its metadata the record is gone

    bare = ResultStore(tmp_path / "bare", "json", metadata_storage=NullFileSystem())
    bare.write([1, 2], key="b")
    assert (tmp_path / "bare" / "b").read_bytes() == b"[1, 2]"
    assert ResultStore(tmp_path / "bare", "json").read("b").result == [1, 2]


def test_expired_records_are_not_served(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    store.write("old", key="gone", expiration=past)
    store.write("new", key="kept", expiration=dt.datetime.now(dt.timezone.utc) + dt.timedelta(60))
    assert store.read("gone") is None and not store.exists("gone")
    assert store.read("kept").result == "new"


def test_unknown_serializer_in_metadata_is_kept_and_bad_known_one_refused() -> None:
    from pydantic import ValidationError

    metadata = ResultRecordMetadata.load_bytes(
        b'{"storage_key":"k","serializer":{"type":"x","a":1}}'
    )
    assert metadata.serializer.type == "x" and metadata.serializer.a == 1
    with pytest.raises(ValidationError):
        ResultRecordMetadata.model_validate(
            {"storage_key": "k", "serializer": {"type": "json", "z": 1}}
        )
    with pytest.raises(ValidationError, match="type"):
        Serializer(type="no-such-serializer")
    assert isinstance(Serializer(type="json"), JSONSerializer)


def test_which_runs_persist_follows_prefect() -> None:
    @task
    def inherits() -> bool:
        return should_persist_result()

    @task(persist_result=False)
    def opts_out() -> bool:
        return should_persist_result()

    @flow
    def root() -> tuple[bool, bool, bool]:
        return should_persist_result(), inherits(), opts_out()

    assert root() == (False, False, False)
    with temporary_settings({PREFECT_RESULTS_PERSIST_BY_DEFAULT: True}):
        assert root() == (True, True, False)
    with temporary_settings(
        {PREFECT_RESULTS_PERSIST_BY_DEFAULT: True, PREFECT_TASKS_DEFAULT_PERSIST_RESULT: False}
    ):
        assert root() == (True, False, False)


def test_every_run_has_a_result_store_with_the_default_storage(tmp_path: Path) -> None:
    @task
    def inner() -> ResultStore:
        return get_run_context().result_store

    @flow(result_serializer="json")
    def outer() -> tuple[ResultStore, ResultStore]:
        return get_run_context().result_store, inner()

    with temporary_settings({PREFECT_RESULTS_DEFAULT_SERIALIZER: "json"}):
        flow_store, task_store = outer()
    assert flow_store.serializer == JSONSerializer() == task_store.serializer
    default = flow_store.result_storage
    assert isinstance(default, LocalFileSystem) and default == task_store.result_storage
    assert flow_store.result_storage_block_id is None


def test_persisting_tasks_cache_with_the_default_policy() -> None:
    calls: list[int] = []

    @task(persist_result=True)
    def double(x: int) -> int:
        calls.append(x)
        return 2 * x

    @flow
    def twice() -> list[int]:
        return [double(3), double(3), double(4)]

    assert twice() == [6, 6, 8]
    assert calls == [3, 4]  # cached within the flow run (INPUTS + TASK_SOURCE + RUN_ID)


def test_locks_block_other_holders_until_released(tmp_path: Path) -> None:
    store = ResultStore(tmp_path, lock_manager=MemoryLockManager())
    key = f"k-{uuid.uuid4().hex}"
    assert store.acquire_lock(key, holder="me")
    with pytest.raises(RuntimeError, match="locked by another holder"):
        store.write(1, key=key, holder="someone-else")
    store.write(1, key=key, holder="me")
    released = threading.Timer(0.1, store.release_lock, args=(key, "me"))
    released.start()
    assert store.read(key, holder="reader").result == 1  # waited for the release
    released.join()
    assert not store.is_locked(key)


def test_concurrent_future_family() -> None:
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        event = threading.Event()
        slow = PrefectConcurrentFuture(uuid.uuid4(), pool.submit(event.wait, 5))
        fast = PrefectConcurrentFuture(uuid.uuid4(), pool.submit(lambda: Completed(data=7)))
        done, not_done = wait([slow, fast], timeout=0.3)
        assert done == {fast} and not_done == {slow}
        assert fast.result() == 7 and fast.state.is_completed()
        with pytest.raises(ValueError, match="non-negative"):
            wait([fast], timeout=-1)
        with pytest.raises(TimeoutError, match="1 \\(of 2\\) futures unfinished"):
            list(as_completed([fast, slow], timeout=0.05))
        event.set()
        assert [f for f in as_completed([slow])] == [slow]


def test_result_storage_key_is_where_the_result_goes_and_what_finds_it() -> None:
    calls: list[int] = []

    @task(result_storage_key="{prefect.runtime.flow_run.flow_version}-{parameters[x]}")
    def double(x: int) -> int:
        calls.append(x)
        return 2 * x

    @flow(version="v7")
    def run() -> tuple[int, int, object]:
        return double(3), double(3), get_run_context().result_store.result_storage

    first, second, storage = run()
    assert (first, second, calls) == (6, 6, [3])  # the second call found the stored result
    assert ResultRecord.deserialize(storage.read_path("v7-3")).result == 6
