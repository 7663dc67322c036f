"""The harness isolates the store, home, settings and process-wide overrides."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from headrace import flow, task
from headrace.settings import get_settings
from headrace.store import get_store
from headrace.store.runs import list_flow_runs
from headrace.testing.utilities import headrace_test_harness, prefect_test_harness
from headrace.utilities import clock


@task
def add_one(x: int) -> int:
    return x + 1


@flow
def one_task_flow(x: int) -> int:
    return add_one(x)


@flow
async def async_flow(x: int) -> int:
    return x * 2


def flow_names() -> list[str]:
    return [run["flow_name"] for run in list_flow_runs()]


def test_runs_inside_are_invisible_outside_and_the_outer_store_comes_back() -> None:
    with headrace_test_harness():
        outer_store = get_store()
        one_task_flow(1)
        with headrace_test_harness() as inner:
            assert list_flow_runs() == []
            one_task_flow(2)
            one_task_flow(3)
            assert len(list_flow_runs()) == 2
            assert get_store().location == inner.database
        assert get_store() is outer_store
        assert [run["parameters"] for run in list_flow_runs()] == [{"x": 1}]


def test_home_and_database_point_into_a_temporary_directory_that_is_removed() -> None:
    before = os.environ.get("HEADRACE_HOME")
    with headrace_test_harness() as harness:
        assert get_settings().home == harness.home
        assert Path(harness.database).parent == harness.home
        assert harness.home.is_dir()
    assert not harness.home.exists()
    assert os.environ.get("HEADRACE_HOME") == before


def test_everything_is_restored_when_the_body_raises() -> None:
    with headrace_test_harness():
        outer_store = get_store()
        with pytest.raises(RuntimeError, match="boom"), headrace_test_harness() as inner:
            one_task_flow(1)
            raise RuntimeError("boom")
        assert get_store() is outer_store
        assert not inner.home.exists()
        assert flow_names() == []


def test_isolated_environment_variables_are_cleared_and_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEADRACE_DATABASE", "/nonexistent/elsewhere.db")
    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", "not-a-key")
    with headrace_test_harness() as harness:
        assert "HEADRACE_ENCRYPTION_KEY" not in os.environ
        assert get_settings().database == harness.database
    assert os.environ["HEADRACE_DATABASE"] == "/nonexistent/elsewhere.db"
    assert os.environ["HEADRACE_ENCRYPTION_KEY"] == "not-a-key"


def test_in_memory_database() -> None:
    with headrace_test_harness(database=":memory:") as harness:
        assert one_task_flow(1) == 2
        assert get_store().location == ":memory:"
        assert flow_names() == ["one-task-flow"]
    assert harness.database == ":memory:"


def test_flows_run_from_threads_are_recorded_in_the_harness_store() -> None:
    with headrace_test_harness():
        workers = [threading.Thread(target=one_task_flow, args=(n,)) for n in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert sorted(run["parameters"]["x"] for run in list_flow_runs()) == [0, 1, 2, 3]


async def test_async_flows_inside_the_harness() -> None:
    with headrace_test_harness():
        results = await asyncio.gather(async_flow(1), async_flow(2))
        assert results == [2, 4]
        assert flow_names() == ["async-flow", "async-flow"]


def test_persisted_results_land_in_the_harness_home() -> None:
    @task(persist_result=True)
    def answer() -> int:
        return 42

    @flow
    def persisting() -> int:
        return answer()

    with headrace_test_harness() as harness:
        assert persisting() == 42
        assert len(list((harness.home / "storage").iterdir())) == 1


def test_settings_cached_for_the_harness_are_forgotten() -> None:
    from headrace import settings

    with headrace_test_harness() as harness:
        get_settings()
        assert any(str(harness.home) in repr(key) for key in settings._flat_cache)
    assert not any(str(harness.home) in repr(key) for key in settings._flat_cache)


def test_clock_and_sleep_overrides_do_not_survive() -> None:
    real_now, real_sleep = clock.set_clock(None), clock.set_sleep(None)
    with headrace_test_harness():
        clock.set_clock(lambda: 0.0)
        clock.set_sleep(lambda seconds: None)
    assert clock.set_clock(None) is real_now
    assert clock.set_sleep(None) is real_sleep


def test_a_plugin_registered_inside_is_gone_afterwards() -> None:
    from types import ModuleType

    from headrace.plugins.manager import get_plugin_manager, register_plugin

    before = get_plugin_manager()
    with headrace_test_harness():
        register_plugin(ModuleType("throwaway_plugin"), name="throwaway")
        assert get_plugin_manager().has_plugin("throwaway")
    assert not get_plugin_manager().has_plugin("throwaway")
    assert get_plugin_manager() is not before


def test_an_untouched_plugin_manager_is_kept() -> None:
    from headrace.plugins.manager import get_plugin_manager

    before = get_plugin_manager()
    with headrace_test_harness():
        one_task_flow(1)
    assert get_plugin_manager() is before


def test_block_key_file_is_created_in_the_harness_home() -> None:
    from headrace.blocks.system import Secret

    with headrace_test_harness() as harness:
        Secret(value="s3cr3t").save("token")
        assert (harness.home / "encryption.key").exists()
        assert Secret.load("token").get() == "s3cr3t"
    with headrace_test_harness():
        from headrace.blocks.errors import BlockNotFound

        with pytest.raises(BlockNotFound):
            Secret.load("token")


def test_prefect_name_and_arguments_are_accepted() -> None:
    assert prefect_test_harness is headrace_test_harness
    with prefect_test_harness(server_startup_timeout=60):
        assert one_task_flow(1) == 2


def test_homes_go_to_memory_when_there_is_room(monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from headrace.testing import _tempdirs

    monkeypatch.setattr(_tempdirs, "MEMORY_FILESYSTEM", "/nonexistent-memory-fs")
    _tempdirs.temp_root.cache_clear()
    try:
        assert _tempdirs.temp_root() == tempfile.gettempdir()
    finally:
        monkeypatch.undo()
        _tempdirs.temp_root.cache_clear()
    with headrace_test_harness() as harness:
        assert harness.home.parent == Path(_tempdirs.temp_root())


def test_no_writer_thread_outlives_the_harness() -> None:
    def writers() -> int:
        return sum(thread.name == "headrace-store-writer" for thread in threading.enumerate())

    with headrace_test_harness():
        before = writers()
        with headrace_test_harness():
            one_task_flow(1)
            assert writers() == before + 1
        assert writers() == before
