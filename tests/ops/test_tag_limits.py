"""Task tags with a concurrency limit make their task runs wait for a slot."""

from __future__ import annotations

import threading
import time

from test_concurrency import max_overlap

from headrace import flow, task
from headrace.concurrency import limits
from headrace.concurrency.tags import _tag_limits


def test_tagged_tasks_wait_for_their_tag_slot() -> None:
    limits.create_limit("tag:db", 1)
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    @task(tags=["db", "unlimited"])
    def query(i: int) -> int:
        start = time.monotonic()
        time.sleep(0.005)
        with lock:
            spans.append((start, time.monotonic()))
        return i

    @flow
    def pipeline() -> list[int]:
        return [future.result() for future in query.map(range(6))]

    assert pipeline() == list(range(6))
    assert len(spans) == 6
    assert max_overlap(spans) == 1
    assert limits.read_limit("tag:db").active_slots == 0


def test_async_tagged_tasks_wait_too() -> None:
    import asyncio

    limits.create_limit("tag:api", 2)
    spans: list[tuple[float, float]] = []

    @task(tags=["api"])
    async def call(i: int) -> int:
        start = time.monotonic()
        await asyncio.sleep(0.01)
        spans.append((start, time.monotonic()))
        return i

    @flow
    async def pipeline() -> list[int]:
        return list(await asyncio.gather(*(call(i) for i in range(6))))

    assert asyncio.run(pipeline()) == list(range(6))
    assert max_overlap(spans) <= 2


def test_a_zero_limit_aborts_the_task_run() -> None:
    limits.create_limit("tag:frozen", 0)

    @task(tags=["frozen"])
    def never() -> int:
        return 1

    states = []

    @flow
    def pipeline() -> None:
        states.append(never(return_state=True))

    pipeline()
    assert states[0].is_failed()
    assert "limit on tag 'frozen' is 0" in states[0].message


def test_tags_without_limits_cost_one_cached_lookup() -> None:
    limits.create_limit("tag:other", 3)
    _tag_limits()
    from headrace.concurrency.tags import occupy_tag_slots

    started = time.perf_counter()
    for _ in range(20_000):
        with occupy_tag_slots({"plain", "labels"}, None):
            pass
    per_call = (time.perf_counter() - started) / 20_000
    assert per_call < 100e-6  # about 3 us on an idle machine


def test_inspect_lists_the_task_runs_holding_slots() -> None:
    from click.testing import CliRunner
    from ops_support import wait_until

    from headrace import runtime
    from headrace.cli import build_cli

    limits.create_limit("tag:slow", 2)
    gate = threading.Event()
    holders: list[str] = []

    @task(tags=["slow"])
    def hold() -> None:
        holders.append(runtime.task_run.id)
        gate.wait(10)

    @flow
    def pipeline() -> None:
        hold.submit().wait()

    runner = threading.Thread(target=pipeline)
    runner.start()
    try:
        wait_until(lambda: holders, what="the task to start")
        shown = CliRunner().invoke(build_cli(), ["concurrency-limit", "inspect", "slow"]).output
        assert holders[0] in shown
    finally:
        gate.set()
        runner.join(10)
    assert limits.read_limit("tag:slow").active_slots == 0
