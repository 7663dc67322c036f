import os

import pytest

from headrace import flow, get_run_logger, task
from headrace.store.runs import list_flow_runs, list_logs, list_task_runs
from headrace.task_runners import ProcessPoolTaskRunner


@task
def where(x):
    get_run_logger().info("computing %s", x)
    return os.getpid(), x * x


@task
def explode():
    raise KeyError("missing in child")


@task(retries=1)
def die():
    os._exit(3)


def test_results_exceptions_and_logs_cross_processes():
    @flow(task_runner=ProcessPoolTaskRunner(max_workers=2))
    def pipeline():
        results = where.map([1, 2, 3]).result()
        error = explode.submit().result(raise_on_failure=False)
        return results, error

    results, error = pipeline()
    assert [value for _, value in results] == [1, 4, 9]
    assert all(pid != os.getpid() for pid, _ in results)
    assert isinstance(error, KeyError) and "missing in child" in str(error)
    (run,) = list_flow_runs()
    messages = [log["message"] for log in list_logs(run["id"])]
    assert "computing 2" in messages
    assert len(list_task_runs(run["id"])) == 4


def test_a_dead_worker_process_crashes_the_task_run_after_its_retries():
    @flow(task_runner=ProcessPoolTaskRunner(max_workers=1))
    def pipeline():
        future = die.submit()
        future.wait()
        return future.state.name

    assert pipeline() == "Crashed"
    (run,) = list_flow_runs()
    (task_run,) = list_task_runs(run["id"])
    assert task_run["run_count"] == 2


def test_direct_calls_stay_in_process():
    @flow(task_runner=ProcessPoolTaskRunner(max_workers=1))
    def pipeline():
        return where(5)

    assert pipeline() == (os.getpid(), 25)


def test_invalid_max_workers():
    with pytest.raises(ValueError):
        ProcessPoolTaskRunner(max_workers=0)


@task
async def async_where():
    return os.getpid()


@task
def nap(seconds):
    import time

    time.sleep(seconds)
    return seconds


def test_async_tasks_run_in_worker_processes():
    @flow(task_runner=ProcessPoolTaskRunner(max_workers=1))
    def pipeline():
        return async_where.submit().result()

    assert pipeline() != os.getpid()


def test_timeouts_count_from_the_start_of_the_call_not_the_queue():
    quick = nap.with_options(timeout_seconds=0.5)

    @flow(task_runner=ProcessPoolTaskRunner(max_workers=1))
    def pipeline():
        slow = nap.submit(0.8)
        queued = quick.submit(0.01)
        overrun = quick.submit(2)
        return slow.result(), queued.state.name if queued.wait() is None else None, overrun

    slow, queued_state, overrun = pipeline()
    assert slow == 0.8 and queued_state == "Completed"
    # a future the flow returns comes back as its final state (Prefect 3)
    assert overrun.name == "TimedOut"


def _set_marker(name, value):
    os.environ[name] = value


@task
def read_env(name):
    return os.environ.get(name)


def test_initializer_runs_in_each_worker_and_survives_duplicate():
    runner = ProcessPoolTaskRunner(
        max_workers=1, initializer=_set_marker, initargs=("HEADRACE_TEST_MARKER", "set")
    )
    copy = runner.duplicate()
    assert copy == runner and copy is not runner
    with copy:
        assert copy.submit(read_env, {"name": "HEADRACE_TEST_MARKER"}).result() == "set"
    assert "HEADRACE_TEST_MARKER" not in os.environ


def test_max_workers_defaults_to_the_setting():
    from headrace.settings import PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS, temporary_settings

    with temporary_settings({PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS: 3}):
        assert ProcessPoolTaskRunner().max_workers == 3


def test_cancel_all_stops_the_worker_processes_and_the_runner_takes_new_work():
    with ProcessPoolTaskRunner(max_workers=1) as runner:
        first = runner.submit(where, {"x": 2})
        pid, _ = first.result()
        runner.cancel_all()
        assert not _alive(pid)
        second_pid, value = runner.submit(where, {"x": 3}).result()
        assert value == 9 and second_pid not in (pid, os.getpid())


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@task(tags=["own"])
def visible_tags():
    from headrace.context import TagsContext

    return os.getpid(), TagsContext.get().current_tags


def test_the_callers_tags_context_reaches_the_worker_process():
    from headrace import tags

    with tags("outer"), ProcessPoolTaskRunner(max_workers=1) as runner:
        pid, seen = runner.submit(visible_tags, {}).result()
    assert pid != os.getpid() and seen == {"outer"}

    @flow(task_runner=ProcessPoolTaskRunner(max_workers=1))
    def pipeline():
        with tags("inner"):
            return visible_tags.submit().result()

    pid, seen = pipeline()
    assert pid != os.getpid() and seen == {"inner"}
