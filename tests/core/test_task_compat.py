"""Task behaviour Prefect 3 users rely on: what flows hand back, how inputs are resolved
(identity, opaque, map over states), self-dependencies, caching rules, and the queued
call of a background run."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading

import pytest

from headrace import allow_failure, flow, tags, task
from headrace.cache_policies import DEFAULT, INPUTS, NO_CACHE, CacheKeyFnPolicy
from headrace.futures import PrefectFuture
from headrace.settings import (
    PREFECT_TASKS_DEFAULT_NO_CACHE,
    PREFECT_TASKS_DISABLE_CACHING,
    PREFECT_TASKS_REFRESH_CACHE,
    temporary_settings,
)
from headrace.states import Completed, State
from headrace.task_runners import ThreadPoolTaskRunner
from headrace.task_worker import read_parameters
from headrace.utilities.annotations import opaque, quote
from headrace.utilities.collections import (
    StopVisiting,
    deep_merge_dicts,
    dict_to_flatdict,
    flatdict_to_dict,
    get_from_dict,
    set_in_dict,
    visit_collection,
)


@task
def identity(x):
    return x


@task
def fails():
    raise ValueError("upstream broke")


# -- what a flow hands back --------------------------------------------------------------
def test_futures_a_flow_returns_come_back_as_their_final_states():
    @flow
    def pipeline():
        return identity.submit(1), [identity.submit(2), identity.submit(3)]

    single, several = pipeline()
    assert isinstance(single, State) and single.result() == 1
    assert [state.result() for state in several] == [2, 3]
    assert not any(isinstance(item, PrefectFuture) for item in several)


def test_a_failed_aggregate_keeps_what_the_flow_returned():
    @flow
    def pipeline():
        return fails.submit()

    state = pipeline(return_state=True)
    assert state.is_failed() and state.message == "1/1 states failed."
    inner = state.result(raise_on_failure=False)
    assert isinstance(inner, State) and inner.is_failed()


async def test_an_async_caller_awaits_the_state_a_flow_returned():
    @flow
    async def pipeline():
        return identity.submit(5)

    state = await pipeline()
    assert await state.result() == 5


# -- inputs ------------------------------------------------------------------------------
def test_a_task_gets_the_callers_own_containers():
    @task
    def appender(values):
        values.append(3)
        return values

    values = [1, 2]
    assert identity(values) is values
    assert appender(values) is values and values == [1, 2, 3]


def test_opaque_resolves_a_future_but_leaves_states_inside_its_result():
    @task
    def nested():
        return {"inner": Completed(data="kept")}

    @flow
    def pipeline():
        return identity.submit(opaque(nested.submit())).result()

    result = pipeline()
    assert isinstance(result["inner"], State) and result["inner"].result() == "kept"


def test_map_takes_a_state_and_passes_an_allowed_failure_to_every_call():
    @task
    def pair(y, z):
        return y, z

    @flow
    def pipeline():
        numbers = identity([1, 2, 3], return_state=True)
        mapped = [f.result() for f in identity.map(numbers)]
        broken = fails.submit()
        pairs = [f.result() for f in pair.map([1, 2], allow_failure(broken))]
        return mapped, pairs

    mapped, pairs = pipeline()
    assert mapped == [1, 2, 3]
    assert [y for y, _ in pairs] == [1, 2]
    assert all(isinstance(z, ValueError) and str(z) == "upstream broke" for _, z in pairs)


def test_a_task_waiting_for_its_own_future_fails_instead_of_hanging():
    release = threading.Event()

    @task
    def gate():
        assert release.wait(10)

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=1))
    def pipeline():
        first = gate.submit()  # holds the only worker, so the next run is still queued
        wait_for = [first]
        second = identity.submit(1, wait_for=wait_for)
        wait_for.append(second)  # the queued run now waits for itself
        release.set()
        second.wait(10)
        return second.state

    state = pipeline(return_state=True).result(raise_on_failure=False)
    assert state.is_failed()
    with pytest.raises(ValueError, match="depending on itself.*deadlock"):
        state.result()


# -- utilities.collections ---------------------------------------------------------------
def test_visit_collection_copies_only_what_changed():
    @dataclasses.dataclass
    class Box:
        value: object

    data = [1, [2, 3], {"a": (4,)}, Box("x")]
    assert visit_collection(data, lambda item: item, return_data=True) is data
    doubled = visit_collection(
        data, lambda item: item * 2 if isinstance(item, int) else item, return_data=True
    )
    assert doubled[:3] == [2, [4, 6], {"a": (8,)}]
    assert doubled[3] is data[3]  # nothing changed inside the dataclass
    assert data[:3] == [1, [2, 3], {"a": (4,)}]


def test_visit_collection_context_depth_and_stop():
    seen = []

    def visit(item, context):
        seen.append((item, type(context.get("annotation")).__name__))
        if isinstance(item, list) and item[:1] == ["skip"]:
            raise StopVisiting
        return item

    visit_collection([quote([1]), ["skip", 2], [[[3]]]], visit, context={}, max_depth=3)
    assert (1, "quote") in seen and ([1], "quote") in seen
    visited = [item for item, _ in seen]
    assert 2 not in visited  # below a StopVisiting
    assert [3] in visited and 3 not in visited  # deeper than max_depth


def test_nested_dict_helpers():
    nested = {"a": {"b": 1, "c": {"d": [0, {"e": 2}]}}}
    flat = dict_to_flatdict(nested)
    assert flat[("a", "b")] == 1 and flatdict_to_dict(flat) == nested
    assert get_from_dict(nested, "a.c.d[1].e") == 2
    assert get_from_dict(nested, "a.x", "missing") == "missing"
    set_in_dict(nested, "a.f.g", 3)
    assert nested["a"]["f"] == {"g": 3}
    with pytest.raises(TypeError, match="non-dict"):
        set_in_dict(nested, "a.b.c", 4)
    assert deep_merge_dicts({"a": {"x": 1}}, {"a": {"y": 2}}, {"b": 3}) == {
        "a": {"x": 1, "y": 2},
        "b": 3,
    }


# -- caching rules -----------------------------------------------------------------------
def test_cache_policy_defaults_and_settings():
    assert task(identity.fn).cache_policy == DEFAULT
    keyed = task(identity.fn, result_storage_key="r-{parameters[x]}")
    assert keyed.cache_policy is None and keyed.persist_result is True
    with temporary_settings({PREFECT_TASKS_DEFAULT_NO_CACHE: True}):
        assert task(identity.fn).cache_policy == NO_CACHE
        assert task(identity.fn, cache_policy=INPUTS).cache_policy == INPUTS
    with temporary_settings({PREFECT_TASKS_DISABLE_CACHING: True}):
        assert task(identity.fn, cache_policy=INPUTS).cache_policy == NO_CACHE


def test_cache_policy_warnings(caplog):
    logging.getLogger("headrace.tasks").addHandler(caplog.handler)
    try:
        both = task(identity.fn, cache_policy=INPUTS, cache_key_fn=lambda *_: "k")
        assert isinstance(both.cache_policy, CacheKeyFnPolicy)
        assert "`cache_key_fn` will be used" in caplog.text
        assert task(identity.fn, persist_result=False, cache_policy=None).cache_policy is None
        assert "Ignoring `cache_policy`" not in caplog.text
        assert task(identity.fn, persist_result=False, cache_policy=INPUTS).cache_policy == (
            NO_CACHE
        )
        assert "Ignoring `cache_policy` because `persist_result` is False" in caplog.text
    finally:
        logging.getLogger("headrace.tasks").removeHandler(caplog.handler)


def test_refresh_cache_setting_applies_unless_the_task_says_otherwise():
    calls = []

    def count(x):
        calls.append(x)
        return len(calls)

    cached = task(count, cache_key_fn=lambda *_: "shared-key", persist_result=True)
    assert cached.refresh_cache is None
    keeps = cached.with_options(refresh_cache=False)

    @flow
    def pipeline():
        first = cached(1, return_state=True)
        with temporary_settings({PREFECT_TASKS_REFRESH_CACHE: True}):
            refreshed = cached(2, return_state=True)
            kept = keeps(3, return_state=True)
        return first, refreshed, kept

    first, refreshed, kept = pipeline()
    assert [first.name, refreshed.name, kept.name] == ["Completed", "Completed", "Cached"]
    assert kept.result() == refreshed.result() == 2


def test_unhashable_inputs_say_how_to_fix_it(caplog):
    @task(persist_result=True)
    def guarded(x, lock):
        return x

    caplog.set_level(logging.WARNING)
    logger = logging.getLogger("headrace.task_runs")
    logger.addHandler(caplog.handler)
    try:
        assert guarded(1, threading.Lock()) == 1
    finally:
        logger.removeHandler(caplog.handler)
    assert "Unable to serialize unknown type: <class '_thread.lock'>" in caplog.text
    assert "cannot pickle '_thread.lock' object" in caplog.text
    assert "cache_policy=NO_CACHE" in caplog.text


# -- the queued call of a background run -------------------------------------------------
def test_a_background_run_keeps_its_call_under_its_parameters_id():
    @task(tags={"etl"})
    def multiply(x, y=2):
        return x * y

    with tags("nightly"):
        future = multiply.delay(21)
    details = future.state.state_details
    assert str(details.task_parameters_id) == str(future.task_run_id)
    call = asyncio.run(read_parameters(None, details.task_parameters_id))
    assert call == {"parameters": {"x": 21, "y": 2}, "context": {"tags": ["etl", "nightly"]}}
    with pytest.raises(KeyError, match="No background task run"):
        asyncio.run(read_parameters(None, "00000000-0000-0000-0000-000000000000"))


# -- options ---------------------------------------------------------------------------
def test_default_retries_come_from_the_settings_at_definition():
    from headrace.settings import (
        PREFECT_TASK_DEFAULT_RETRIES,
        PREFECT_TASK_DEFAULT_RETRY_DELAY_SECONDS,
    )

    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) < 2:
            raise ValueError("first try")
        return "ok"

    with temporary_settings(
        {PREFECT_TASK_DEFAULT_RETRIES: 1, PREFECT_TASK_DEFAULT_RETRY_DELAY_SECONDS: 0}
    ):
        retried = task(flaky)
    assert retried.retries == 1 and task(flaky).retries == 0
    assert retried() == "ok" and len(attempts) == 2


def test_a_task_without_retries_does_not_say_they_are_exhausted(caplog):
    logger = logging.getLogger("headrace.task_runs")
    logger.addHandler(caplog.handler)
    try:
        with pytest.raises(ValueError):
            fails()
    finally:
        logger.removeHandler(caplog.handler)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert "Task run failed with exception: ValueError('upstream broke')" in errors
    assert not any("Retries are exhausted" in message for message in errors)


def test_task_and_with_options_take_the_same_named_options():
    import inspect

    from headrace.tasks import Task

    decorator = set(inspect.signature(task).parameters) - {"__fn", "version"}
    copy = set(inspect.signature(Task.with_options).parameters) - {"self"}
    assert decorator == copy
    renamed = identity.with_options(name="renamed", retries=2)
    assert (renamed.name, renamed.retries, renamed.version) == ("renamed", 2, identity.version)
    with pytest.raises(TypeError, match="unexpected keyword argument 'version'"):
        identity.with_options(version="2")


# -- SERIALIZABLE cache policies -------------------------------------------------------
def test_a_serializable_policy_needs_a_lock_manager():
    from headrace.exceptions import ConfigurationError
    from headrace.transactions import IsolationLevel

    policy = INPUTS.configure(isolation_level=IsolationLevel.SERIALIZABLE)
    with pytest.raises(ConfigurationError, match="not supported by provided configuration"):
        task(identity.fn, cache_policy=policy)(1)


def test_a_serializable_policy_runs_one_call_per_key_at_a_time(tmp_path):
    from headrace.locking.filesystem import FileSystemLockManager
    from headrace.transactions import IsolationLevel

    locks = FileSystemLockManager(lock_files_directory=tmp_path / "locks")
    policy = INPUTS.configure(isolation_level=IsolationLevel.SERIALIZABLE, lock_manager=locks)
    calls, held = [], []

    @task(cache_policy=policy)
    def slow_square(x):
        held.append(any((tmp_path / "locks").glob("*.lock")))
        calls.append(x)
        return x * x

    states = []
    threads = [
        threading.Thread(target=lambda: states.append(slow_square(3, return_state=True)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert calls == [3] and held == [True]
    assert sorted(state.name for state in states) == ["Cached", "Cached", "Completed"]
    assert {state.result() for state in states} == {9}
    assert not list((tmp_path / "locks").glob("*.lock"))  # released


async def test_a_serializable_policy_waits_without_blocking_the_loop():
    from headrace.locking.memory import MemoryLockManager
    from headrace.transactions import IsolationLevel

    policy = INPUTS.configure(
        isolation_level=IsolationLevel.SERIALIZABLE, lock_manager=MemoryLockManager()
    )
    calls = []

    @task(cache_policy=policy)
    async def counted(x):
        calls.append(x)
        await asyncio.sleep(0.05)
        return len(calls)

    results = await asyncio.gather(*(counted(7) for _ in range(3)))
    assert results == [1, 1, 1] and calls == [7]


# -- tasks as methods ------------------------------------------------------------------
def test_a_method_task_sees_its_instance_as_the_self_parameter():
    keys = []

    def by_args(context, parameters):
        keys.append(dict(parameters))
        return f"{parameters['self'].base}-{parameters['a']}"

    class Adder:
        def __init__(self, base):
            self.base = base

        @task(task_run_name="add-{self.base}-{a}", cache_key_fn=by_args, persist_result=True)
        def add(self, a):
            return a + self.base

    one, hundred = Adder(1), Adder(100)

    @flow
    def pipeline():
        states = [one.add(5, return_state=True), one.add(5, return_state=True)]
        states.append(hundred.add(5, return_state=True))
        mapped = [future.result() for future in hundred.add.map([1, 2])]
        return states, mapped, one.add.with_options(retries=1)(2)

    states, mapped, copied = pipeline()
    assert [state.name for state in states] == ["Completed", "Cached", "Completed"]
    assert [state.result() for state in states] == [6, 6, 105]
    assert keys[0] == {"self": one, "a": 5} and keys[2] == {"self": hundred, "a": 5}
    assert mapped == [101, 102] and copied == 3
    assert one.add.ismethod and not Adder.add.ismethod
