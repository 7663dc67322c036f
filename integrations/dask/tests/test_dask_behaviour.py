"""The core runtime's behaviour, run on the thread runner and on Dask: same outcomes.

Each scenario is a flow built around the runner it is given; the test runs it on
`ThreadPoolTaskRunner` and on `DaskTaskRunner` (a real LocalCluster of worker
processes) and asserts both give the expected outcome.
"""

from __future__ import annotations

import sys
import time

import cloudpickle
import pytest

from headrace import allow_failure, flow, runtime, task, unmapped
from headrace.cache_policies import INPUTS
from headrace.exceptions import MappingLengthMismatch
from headrace.futures import wait
from headrace.states import Failed
from headrace.store.runs import list_flow_runs, list_logs, list_task_runs
from headrace.task_runners import ThreadPoolTaskRunner
from headrace.testing.utilities import headrace_test_harness

# the workers cannot import this test module: send its functions by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@task
def square(x):
    return x * x


@task
def boom():
    raise RuntimeError("primary down")


@task
def identity(value):
    return value


def submit_and_collections(runner):
    @task
    def total(numbers, named, pair):
        return sum(numbers) + sum(named.values()) + sum(pair)

    @flow(task_runner=runner)
    def pipeline():
        futures = [square.submit(i) for i in range(5)]
        a, b = futures[2], futures[3]
        return [f.result() for f in futures], total([a, b], {"x": a}, (b, 1))

    return pipeline()


def failures_and_allow_failure(runner):
    @task
    def merge(primary, secondary):
        return primary if not isinstance(primary, Exception) else secondary

    @flow(task_runner=runner)
    def pipeline():
        failed = boom.submit()
        error = failed.result(raise_on_failure=False)
        downstream = identity(failed, return_state=True)
        merged = merge(allow_failure(failed), identity.submit("fallback"))
        return (
            type(error).__name__,
            str(error),
            failed.state.name,
            downstream.name,
            "did not reach a 'COMPLETED' state" in downstream.message,
            merged,
        )

    return pipeline()


def wait_for_orders_and_blocks(runner):
    @task
    def first():
        time.sleep(0.05)
        return "first"

    @flow(task_runner=runner)
    def pipeline():
        before = first.submit()
        after = identity.submit("second", wait_for=[before])
        after.wait()
        first_was_done = before.done()
        blocked = identity.submit("never", wait_for=[boom.submit()])
        blocked.wait()
        return first_was_done, after.result(), blocked.state.name

    return pipeline()


def mapping(runner):
    @task
    def scale(x, factor, meta):
        return x * factor + len(meta)

    @task
    def add(a, b):
        return a + b

    @flow(task_runner=runner)
    def pipeline():
        scaled = scale.map([1, 2, 3], unmapped(10), unmapped([9, 9])).result()
        nested = square.map(square.map([1, 2, 3])).result()
        try:
            add.map([1, 2], [1])
        except MappingLengthMismatch:
            mismatch = "MappingLengthMismatch"
        return scaled, nested, mismatch

    return pipeline()


def retries(runner):
    @task(retries=3)
    def flaky():
        if runtime.task_run.run_count < 3:
            raise ValueError(f"attempt {runtime.task_run.run_count}")
        return runtime.task_run.run_count

    @task(retries=1)
    def hopeless():
        raise ValueError("always")

    @flow(task_runner=runner)
    def pipeline():
        recovered, exhausted = flaky.submit(), hopeless.submit()
        exhausted.wait()
        return (
            recovered.result(),
            recovered.state.name,
            exhausted.state.name,
            exhausted.task_run.run_count,
        )

    return pipeline()


def caching(runner):
    @task(cache_policy=INPUTS)
    def lookup(key):
        return {"key": key}

    @flow(task_runner=runner)
    def pipeline():
        first = lookup.submit("a")
        first.wait()
        again, other = lookup.submit("a"), lookup.submit("b")
        wait([again, other])
        return [f.state.name for f in (first, again, other)], again.result()

    return pipeline()


def timeouts_and_returned_states(runner):
    @task(timeout_seconds=0.2)
    def stuck():
        time.sleep(1.5)

    @task
    def gives_up():
        return Failed(message="not today")

    @flow(task_runner=runner)
    def pipeline():
        slow, refused = stuck.submit(), gives_up.submit()
        slow.wait()
        refused.wait()
        return slow.state.name, refused.state.name, refused.state.message

    return pipeline()


def async_tasks(runner):
    @task
    async def double(x):
        return 2 * x

    @flow(task_runner=runner)
    def pipeline():
        return double.map([1, 2, 3]).result()

    return pipeline()


def hooks_logs_and_records(runner):
    from headrace import get_run_logger

    seen = []

    @task(on_completion=[lambda t, run, state: seen.append(state.name)])
    def chatty(x):
        get_run_logger().info("computing %s", x)
        return x

    @flow(task_runner=runner)
    def pipeline():
        return chatty.map([1, 2]).result()

    results = pipeline()
    run = list_flow_runs()[0]
    messages = sorted(
        log["message"] for log in list_logs(run["id"]) if "computing" in log["message"]
    )
    states = sorted(r["state_name"] for r in list_task_runs(run["id"]))
    return results, sorted(seen), messages, states


SCENARIOS = {
    submit_and_collections: ([0, 1, 4, 9, 16], 4 + 9 + 4 + 9 + 1),
    failures_and_allow_failure: (
        "RuntimeError",
        "primary down",
        "Failed",
        "NotReady",
        True,
        "fallback",
    ),
    wait_for_orders_and_blocks: (True, "second", "NotReady"),
    mapping: ([12, 22, 32], [1, 16, 81], "MappingLengthMismatch"),
    retries: (3, "Completed", "Failed", 2),
    caching: (["Completed", "Cached", "Completed"], {"key": "a"}),
    timeouts_and_returned_states: ("TimedOut", "Failed", "not today"),
    async_tasks: [2, 4, 6],
    hooks_logs_and_records: (
        [1, 2],
        ["Completed", "Completed"],
        ["computing 1", "computing 2"],
        ["Completed", "Completed"],
    ),
}


def run_isolated(scenario, runner):
    """Each runner gets a fresh store (and so an empty cache and run history)."""
    with headrace_test_harness():
        return scenario(runner)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_dask_and_threads_give_the_same_outcome(scenario, headrace_dask_task_runner):
    on_threads = run_isolated(scenario, ThreadPoolTaskRunner())
    on_dask = run_isolated(scenario, headrace_dask_task_runner)
    assert on_threads == SCENARIOS[scenario]
    assert on_dask == on_threads
