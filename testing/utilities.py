"""The test harness: run flows against a throwaway store, home and settings.

`headrace_test_harness()` is the in-process counterpart of Prefect's
`prefect_test_harness()`: no server, no subprocess, a fresh store per use. Migrated code
keeps working through the `prefect_test_harness` alias.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from headrace import settings as _settings
from headrace.store import Store, get_store, set_store
from headrace.testing._tempdirs import temp_root
from headrace.testing._template import copy_template
from headrace.utilities import clock

if TYPE_CHECKING:
    from headrace.blocks.core import Block
    from headrace.client.schemas.objects import FlowRun
    from headrace.serializers import Serializer
    from headrace.states import State

#: environment variables the harness points elsewhere (or clears) while it is active
ISOLATED_ENV = ("HEADRACE_HOME", "HEADRACE_DATABASE", "HEADRACE_ENCRYPTION_KEY")

__all__ = [
    "HarnessInfo",
    "a_test_step",
    "assert_blocks_equal",
    "assert_does_not_warn",
    "assert_uses_result_serializer",
    "assert_uses_result_storage",
    "b_test_step",
    "exceptions_equal",
    "get_most_recent_flow_run",
    "headrace_test_harness",
    "kubernetes_environments_equal",
    "prefect_test_harness",
]


class HarnessInfo:
    """What a harness isolated: its home directory and the database it points at."""

    __slots__ = ("home", "database")

    def __init__(self, home: Path, database: str) -> None:
        self.home = home
        self.database = database

    @property
    def store(self) -> Store:
        """The harness's store (opened on first use)."""
        return get_store()

    def __repr__(self) -> str:
        return f"HarnessInfo(home={str(self.home)!r}, database={self.database!r})"


@contextmanager
def headrace_test_harness(
    database: str | None = None, server_startup_timeout: int | None = None
) -> Iterator[HarnessInfo]:
    """Point headrace at a fresh store, `$HEADRACE_HOME` and settings for the block.

    `database` is `None` (a new SQLite file in the temporary home) or `":memory:"`.
    `server_startup_timeout` is accepted for code written against Prefect; there is no
    server to wait for. Everything is restored on exit, also when the block raises:
    the previous store, environment, settings cache, clock and sleep functions, and the
    plugin manager if the block changed it.
    """
    del server_startup_timeout
    home = Path(tempfile.mkdtemp(prefix="headrace-test-", dir=temp_root()))
    saved_env = {name: os.environ.get(name) for name in ISOLATED_ENV}
    # read, not swapped out and back: another thread may be reading the clock meanwhile
    saved_clock, saved_sleep = clock.get_clock(), clock.get_sleep()
    plugins_before = _plugin_state()
    if database is None:
        database = str(home / "headrace.db")
        try:
            copy_template(Path(database))
        except BaseException:
            shutil.rmtree(home, ignore_errors=True)
            raise
        os.environ.pop("HEADRACE_DATABASE", None)
    else:
        os.environ["HEADRACE_DATABASE"] = database
    os.environ["HEADRACE_HOME"] = str(home)
    os.environ.pop("HEADRACE_ENCRYPTION_KEY", None)
    previous_store = set_store(None)
    try:
        yield HarnessInfo(home, database)
    finally:
        ours = set_store(previous_store)
        if ours is not None and ours is not previous_store:
            ours.close()
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _forget_settings(str(home))
        clock.set_clock(saved_clock)
        clock.set_sleep(saved_sleep)
        if _plugin_state() != plugins_before:
            from headrace.plugins.manager import reset_plugin_manager

            reset_plugin_manager()
        shutil.rmtree(home, ignore_errors=True)


#: the name migrated Prefect code imports
prefect_test_harness = headrace_test_harness


def _forget_settings(home: str) -> None:
    """Drop the settings cached for the harness's environment (they name a deleted home)."""
    _settings.forget_cached_settings(home)


def _plugin_state() -> tuple[int, tuple[str, ...]] | None:
    """Which plugin manager is loaded and what it holds; None when plugins were never used.

    Looked up through `sys.modules` so that the harness never imports pluggy itself.
    """
    manager_module = sys.modules.get("headrace.plugins.manager")
    manager = manager_module.loaded_plugin_manager() if manager_module else None
    if manager is None:
        return None
    return id(manager), tuple(name for name, _ in manager.list_name_plugin())


# -- Prefect's assertion helpers (`prefect.testing.utilities`) --------------------------------
# Imports stay inside the functions: this module loads with the pytest plugin in every run.


def exceptions_equal(a: Exception, b: Exception) -> bool:
    """Equal if `==` says so, else if type and args match: an exception that went through
    pickling (a run's stored error) is a different object with the same meaning."""
    if a == b:
        return True
    return type(a) is type(b) and getattr(a, "args", None) == getattr(b, "args", None)


def kubernetes_environments_equal(
    actual: list[dict[str, str]], expected: list[dict[str, str]] | dict[str, str]
) -> bool:
    """Whether a container's `env` list holds exactly `expected` (a list of `{name, value}`
    entries or a plain mapping), in any order; the first difference is printed."""
    if isinstance(actual, dict):
        raise TypeError(
            "'actual' must be a list of {'name': ..., 'value': ...} entries, not a dict; "
            "are the arguments swapped?"
        )
    if isinstance(expected, dict):
        expected = [{"name": key, "value": value} for key, value in expected.items()]
    actual = sorted(actual, key=lambda item: item["name"])
    expected = sorted(expected, key=lambda item: item["name"])
    for got, wanted in zip(actual, expected, strict=False):
        if got != wanted:
            print(f"first difference in the environments: got {got}, expected {wanted}")
            break
    return actual == expected


@contextmanager
def assert_does_not_warn(ignore_warnings: list[type[Warning]] | None = None) -> Iterator[None]:
    """Fail with AssertionError if the block warns (except for `ignore_warnings` types)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for category in ignore_warnings or []:
            warnings.filterwarnings("ignore", category=category)
        try:
            yield
        except Warning as warning:
            raise AssertionError(f"Warning was raised. {warning!r}") from warning


async def get_most_recent_flow_run(client: Any = None, flow_name: str | None = None) -> FlowRun:
    """The flow run Prefect's helper returns: the first by expected start time (of
    `flow_name`'s runs when given). Raises IndexError when there is none."""
    import inspect

    from headrace.client.orchestration import get_client
    from headrace.client.schemas.filters import FlowFilter, FlowFilterName
    from headrace.client.schemas.sorting import FlowRunSort

    client = client if client is not None else get_client()
    runs = client.read_flow_runs(
        sort=FlowRunSort.EXPECTED_START_TIME_ASC,
        limit=1,
        flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])) if flow_name else None,
    )
    if inspect.isawaitable(runs):
        runs = await runs
    if not runs:
        raise IndexError(f"no flow runs{f' of flow {flow_name!r}' if flow_name else ''}")
    return runs[0]


def assert_blocks_equal(
    found: Block, expected: Block, exclude_private: bool = True, **kwargs: Any
) -> None:
    """Same block type and same field values (private attributes left out by default)."""
    assert isinstance(found, type(expected)), (
        f"Unexpected type {type(found).__name__}, expected {type(expected).__name__}"
    )
    exclude = set(kwargs.pop("exclude", set()))
    if exclude_private:
        exclude.update(found.__private_attributes__)
    assert found.model_dump(exclude=exclude, **kwargs) == expected.model_dump(
        exclude=exclude, **kwargs
    )


async def _stored_record(state: State, serializer: str) -> Any:
    """The result record behind a state: its data when that is a record (or metadata
    pointing at one), else the record under the state's storage key in the default result
    storage, a bare result read with `serializer`; AssertionError when there is none or
    it does not read."""
    from headrace.results import (
        ResultRecord,
        ResultRecordMetadata,
        ResultStore,
        aget_default_result_storage,
    )

    data = state.data
    if isinstance(data, ResultRecord):
        return data
    if isinstance(data, ResultRecordMetadata):
        return await ResultStore._from_metadata(data)
    key = state.state_details.storage_key
    assert key is not None, f"the state's result was not persisted: {state!r}"
    storage = await aget_default_result_storage()
    try:
        record = await ResultStore(result_storage=storage, serializer=serializer).aread(key)
    except Exception as exc:
        raise AssertionError(
            f"the result under {key!r} does not read with {serializer!r}: {exc!r}"
        ) from None
    assert record is not None, f"no result under {key!r} in {storage!r}"
    return record


async def assert_uses_result_serializer(
    state: State, serializer: str | Serializer, client: Any = None
) -> None:
    """The state's stored result was written with `serializer` (a type name such as
    "json", or a serializer)."""
    wanted = serializer if isinstance(serializer, str) else serializer.type
    record = await _stored_record(state, serializer=wanted)
    assert record.metadata.serializer.type == wanted, (
        f"the result was written with serializer {record.metadata.serializer.type!r}, "
        f"not {wanted!r}"
    )


async def assert_uses_result_storage(
    state: State, storage: str | Block, client: Any = None
) -> None:
    """The state's result lives in `storage`: a block, or a saved block's `slug/name`."""
    from headrace.blocks.core import Block
    from headrace.results import ResultRecord, ResultRecordMetadata, resolve_result_storage

    wanted = storage if isinstance(storage, Block) else await Block.aload(storage)
    data = state.data
    metadata = data.metadata if isinstance(data, ResultRecord) else data
    if isinstance(metadata, ResultRecordMetadata):
        assert metadata.storage_block_id is not None, "the result is not in a saved block"
        assert_blocks_equal(await resolve_result_storage(metadata.storage_block_id), wanted)
    else:
        import asyncio

        from headrace.results import ResultStore

        key = state.state_details.storage_key
        assert key is not None, f"the state's result was not persisted: {state!r}"
        try:
            await asyncio.to_thread(ResultStore(result_storage=wanted).storage.read_path, key)
        except Exception as exc:
            raise AssertionError(f"the result {key!r} is not in {wanted!r}: {exc!r}") from None


def a_test_step(**kwargs: Any) -> dict[str, Any]:
    """A deployment step for tests: returns its inputs plus three fixed outputs."""
    kwargs.update(
        {"output1": 1, "output2": ["b", 2, 3], "output3": "This one is actually a string"}
    )
    return kwargs


def b_test_step(**kwargs: Any) -> dict[str, Any]:
    """Like `a_test_step`, with two fixed outputs."""
    kwargs.update({"output1": 1, "output2": ["b", 2, 3]})
    return kwargs
