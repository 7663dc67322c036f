import threading
import time

import pytest

from headrace import allow_failure, flow, task, unmapped
from headrace.exceptions import MappingLengthMismatch, MappingMissingIterable
from headrace.futures import as_completed, wait
from headrace.task_runners import ThreadPoolTaskRunner


@task
def square(x):
    return x * x


@task
def boom():
    raise RuntimeError("primary down")


def test_submit_and_result():
    @flow
    def pipeline():
        futures = [square.submit(i) for i in range(5)]
        wait(futures)
        return [f.result() for f in futures]

    assert pipeline() == [0, 1, 4, 9, 16]


def test_failed_future_result_raise_on_failure():
    @flow
    def pipeline():
        future = boom.submit()
        error = future.result(raise_on_failure=False)
        return type(error).__name__, future.state.name

    assert pipeline() == ("RuntimeError", "Failed")


def test_futures_inside_collections_are_resolved():
    @task
    def total(numbers, named, pair):
        return sum(numbers) + sum(named.values()) + sum(pair)

    @flow
    def pipeline():
        a, b = square.submit(2), square.submit(3)
        return total([a, b], {"x": a}, (b, 1))

    assert pipeline() == 4 + 9 + 4 + 9 + 1


def test_failed_upstream_makes_downstream_not_ready():
    @task
    def downstream(value):
        return value

    @flow
    def pipeline():
        state = downstream(boom.submit(), return_state=True)
        return state.name, state.message

    name, message = pipeline()
    assert name == "NotReady"
    assert "did not reach a 'COMPLETED' state" in message


def test_allow_failure_passes_the_exception_on():
    @task
    def fallback():
        return {"src": "fallback"}

    @task
    def merge(primary, secondary):
        return primary if not isinstance(primary, Exception) else secondary

    @flow
    def pipeline():
        return merge(allow_failure(boom.submit()), fallback.submit())

    assert pipeline() == {"src": "fallback"}


def test_wait_for_orders_and_blocks_on_failure():
    order = []

    @task
    def first():
        time.sleep(0.05)
        order.append("first")

    @task
    def second():
        order.append("second")

    @flow
    def pipeline():
        f = first.submit()
        s = second.submit(wait_for=[f])
        s.wait()
        blocked = second.submit(wait_for=[boom.submit()])
        return blocked.state.name if blocked.wait() is None else None

    assert pipeline() == "NotReady"
    assert order == ["first", "second"]


def test_map_with_unmapped():
    @task
    def scale(x, factor, meta):
        return x * factor + len(meta)

    @flow
    def pipeline():
        return scale.map([1, 2, 3], unmapped(10), unmapped([9, 9])).result()

    assert pipeline() == [12, 22, 32]


def test_map_errors():
    @task
    def add(a, b):
        return a + b

    @flow
    def mismatched():
        add.map([1, 2], [1])

    @flow
    def nothing_to_map():
        add.map(1, 2)

    with pytest.raises(MappingLengthMismatch):
        mismatched()
    with pytest.raises(MappingMissingIterable):
        nothing_to_map()


def test_map_over_a_future_list():
    @flow
    def pipeline():
        return square.map(square.map([1, 2, 3])).result()

    assert pipeline() == [1, 16, 81]


def test_as_completed_yields_in_finish_order_and_times_out():
    @task
    def nap(seconds):
        time.sleep(seconds)
        return seconds

    @flow
    def pipeline():
        futures = [nap.submit(0.3), nap.submit(0.01)]
        ordered = [f.result() for f in as_completed(futures)]
        slow = nap.submit(1)
        with pytest.raises(TimeoutError):
            list(as_completed([slow], timeout=0.05))
        done, not_done = wait([slow], timeout=0.01)
        return ordered, len(done), len(not_done)

    assert pipeline() == ([0.01, 0.3], 0, 1)


def test_future_result_timeout_and_done_callback():
    seen = []

    @task
    def nap():
        time.sleep(0.3)
        return "late"

    @flow
    def pipeline():
        future = nap.submit()
        with pytest.raises(TimeoutError):
            future.result(timeout=0.01)
        future.add_done_callback(lambda f: seen.append(f.state.name))
        return future.result()

    assert pipeline() == "late"
    assert seen == ["Completed"]


def test_nested_submission_does_not_deadlock_a_single_worker_pool():
    @task
    def inner(x):
        return x + 1

    @task
    def outer(x):
        return inner.submit(x).result()

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=1))
    def pipeline():
        return [f.result() for f in [outer.submit(i) for i in range(3)]]

    assert pipeline() == [1, 2, 3]


def test_submit_outside_a_flow_is_an_error():
    with pytest.raises(RuntimeError, match="runs inside a flow"):
        square.submit(1)


def test_thread_count_is_bounded_for_large_maps():
    peak = []

    @task
    def work(x):
        peak.append(threading.active_count())
        return x

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=4))
    def pipeline():
        return len(work.map(range(500)).result())

    before = threading.active_count()
    assert pipeline() == 500
    assert max(peak) <= before + 4 + 2


def test_future_gives_a_uuid_and_a_concurrent_future_settled_with_the_final_state():
    import concurrent.futures
    from uuid import UUID

    with ThreadPoolTaskRunner() as runner:
        future = runner.submit(square, {"x": 3})
        assert isinstance(future.task_run_id, UUID)
        assert str(future.task_run_id) == future.task_run.id
        wrapped = future.wrapped_future
        assert isinstance(wrapped, concurrent.futures.Future)
        assert wrapped is future.wrapped_future
        state = wrapped.result(timeout=10)
        assert state.is_completed() and future.result() == 9


@task
def announce(text: str) -> str:
    return text


def test_create_run_records_a_pending_run_that_a_distributed_future_follows():
    import asyncio

    from headrace.futures import PrefectDistributedFuture
    from headrace.states import Completed
    from headrace.store import get_store
    from headrace.store.runs import record_task_run_state

    run = asyncio.run(announce.create_run(parameters={"text": "hi"}))
    assert run.name.startswith("announce-") and run.state.is_pending()
    future = PrefectDistributedFuture(run.id)
    future.wait(0.01)
    assert not future.done() and future.state.is_pending()
    with pytest.raises(TimeoutError):
        future.result(timeout=0.01)
    row = get_store().runs.read_task_run(run.id)
    assert row["state_type"] == "PENDING" and row["flow_run_id"] is None

    run.state = Completed()  # whoever runs it records the end
    record_task_run_state(get_store(), run)
    get_store().flush()
    future.wait(5)
    assert future.done() and future.state.is_completed()


def test_create_run_inside_a_flow_belongs_to_it_and_deferred_queues_it():
    import asyncio

    from headrace.context import FlowRunContext
    from headrace.futures import PrefectDistributedFuture
    from headrace.store import get_store

    @flow
    async def planner():
        run = await announce.create_run(parameters={"text": "later"})
        queued = await announce.create_run(parameters={"text": "worker"}, deferred=True)
        return FlowRunContext.get().flow_run.id, run, queued

    flow_run_id, run, queued = asyncio.run(planner())
    assert run.flow_run_id == flow_run_id
    assert get_store().runs.read_task_run(run.id)["flow_run_id"] == flow_run_id
    outcome = get_store().task_queue.read_outcome(queued.id)
    assert outcome is not None and outcome["status"] not in ("completed", "failed")
    assert not PrefectDistributedFuture(queued.id).done()
