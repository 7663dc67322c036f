import asyncio
import time

import pytest

from headrace import flow, runtime, task
from headrace.exceptions import ParameterBindError
from headrace.states import Completed, Failed
from headrace.tasks import exponential_backoff


def test_task_in_flow_returns_result_and_state():
    @task
    def double(x):
        return 2 * x

    @flow
    def pipeline():
        return double(3), double(4, return_state=True)

    value, state = pipeline()
    assert value == 6
    assert state.is_completed() and state.result() == 8


def test_task_outside_flow_runs_as_a_task_run():
    @task
    def add(a, b=1):
        return a + b

    assert add(1) == 2
    assert add(1, return_state=True).is_completed()
    assert add.fn(1, 2) == 3


def test_bad_arguments_raise_a_bind_error():
    @task
    def add(a, b):
        return a + b

    with pytest.raises(ParameterBindError):
        add(1, 2, 3)


def test_retries_count_attempts_and_delays(recorded_sleeps):
    attempts = []

    @task(retries=3, retry_delay_seconds=[1, 2])
    def flaky():
        attempts.append(runtime.task_run.run_count)
        if len(attempts) < 4:
            raise ConnectionError("down")
        return "ok"

    assert flaky() == "ok"
    assert attempts == [1, 2, 3, 4]
    assert recorded_sleeps == [1.0, 2.0, 2.0]


def test_exponential_backoff_and_jitter_bounds(recorded_sleeps):
    @task(retries=3, retry_delay_seconds=exponential_backoff(10), retry_jitter_factor=0.5)
    def always_fails():
        raise RuntimeError("no")

    state = always_fails(return_state=True)
    assert state.is_failed()
    for delay, base in zip(recorded_sleeps, [10, 20, 40], strict=True):
        assert base * 0.5 <= delay <= base * 1.5


def test_retry_condition_stops_retries():
    calls = []

    def only_connection_errors(task, task_run, state):
        try:
            state.result()
        except ConnectionError:
            return True
        except Exception:
            return False

    @task(retries=5, retry_condition_fn=only_connection_errors)
    def fails_with_value_error():
        calls.append(1)
        raise ValueError("bad input")

    state = fails_with_value_error(return_state=True)
    assert state.is_failed()
    assert len(calls) == 1


def test_returned_states_become_the_task_state():
    @task
    def maybe_fail(x):
        if x < 0:
            return Failed(message=f"negative: {x}")
        return Completed(message=f"ok: {x}", data=x * 2)

    @flow
    def safe(values):
        out = []
        for value in values:
            state = maybe_fail(value, return_state=True)
            out.append(state.message if state.is_failed() else state.result())
        return out

    assert safe([1, -2, 3]) == [2, "negative: -2", 6]


def test_sync_timeout_frees_the_caller_promptly():
    @task(timeout_seconds=0.2)
    def slow():
        time.sleep(3)

    started = time.monotonic()
    state = slow(return_state=True)
    elapsed = time.monotonic() - started
    assert state.is_failed() and state.name == "TimedOut"
    assert "exceeded timeout of 0.2" in state.message
    assert isinstance(state.result(raise_on_failure=False), TimeoutError)
    assert elapsed < 1.5


def test_async_timeout_cancels_the_task():
    cancelled = []

    @task(timeout_seconds=0.1)
    async def slow():
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    state = asyncio.run(slow(return_state=True))
    assert state.name == "TimedOut"
    assert cancelled == [True]


def test_task_run_name_templates_and_callables():
    names = []

    @task(task_run_name="load-{table}")
    def load(table):
        names.append(runtime.task_run.name)

    @task(task_run_name=lambda: f"custom-{runtime.task_run.parameters['n']}")
    def numbered(n):
        names.append(runtime.task_run.name)

    @flow
    def pipeline():
        load("users")
        numbered(7)

    pipeline()
    assert names == ["load-users", "custom-7"]


def test_task_hooks_run_with_the_final_state():
    seen = []

    @task(
        on_completion=[lambda t, r, s: seen.append(("done", s.name))],
        on_failure=[lambda t, r, s: seen.append(("failed", s.name))],
    )
    def work(fail):
        if fail:
            raise ValueError("x")

    work(False)
    work(True, return_state=True)
    assert seen == [("done", "Completed"), ("failed", "Failed")]


def test_failing_hook_does_not_change_the_state():
    def broken_hook(task, run, state):
        raise RuntimeError("hook bug")

    @task(on_completion=[broken_hook])
    def work():
        return 1

    assert work() == 1


def test_with_options_copies_the_task():
    @task(retries=1)
    def base():
        return runtime.task_run.name

    renamed = base.with_options(name="renamed", retries=0)
    assert renamed.name == "renamed" and renamed.retries == 0
    assert base.name == "base" and base.retries == 1
    with pytest.raises(TypeError):
        base.with_options(bogus=1)


def test_invalid_options_are_rejected():
    with pytest.raises(ValueError):
        task(retries=-1)(lambda: None)
    with pytest.raises(ValueError):
        task(timeout_seconds=0)(lambda: None)


def test_log_prints_sends_print_to_the_run_logger(capsys):
    import logging

    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Keep()
    logging.getLogger("headrace").addHandler(handler)
    try:

        @task(log_prints=True)
        def chatty():
            print("hello", "world")

        @task
        def quiet():
            print("to stdout")

        @flow
        def pipeline():
            chatty()
            quiet()

        pipeline()
    finally:
        logging.getLogger("headrace").removeHandler(handler)
    assert "hello world" in records
    out = capsys.readouterr().out
    assert "to stdout" in out and "hello world" not in out


def test_async_tasks_run_concurrently_in_async_flows():
    @task
    async def nap(x):
        await asyncio.sleep(0.2)
        return x

    @flow
    async def pipeline():
        return await asyncio.gather(*(nap(i) for i in range(5)))

    started = time.monotonic()
    assert asyncio.run(pipeline()) == [0, 1, 2, 3, 4]
    assert time.monotonic() - started < 0.9


def test_an_overrunning_python_loop_is_interrupted_after_the_timeout():
    import threading

    stopped = threading.Event()

    @task(timeout_seconds=0.2)
    def spin():
        try:
            while True:
                pass
        finally:
            stopped.set()

    assert spin(return_state=True).name == "TimedOut"
    assert stopped.wait(5), "the task's thread kept running after its timeout"
