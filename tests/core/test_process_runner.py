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


@task
def log_then_wait_for(flag_path):
    """Logs, then returns only once the flow's process has seen that log record (the
    test's handler creates `flag_path`): proves records travel while the task runs."""
    import time
    from pathlib import Path

    get_run_logger().info("first record from the worker")
    deadline = time.monotonic() + 20
    while not Path(flag_path).exists():
        if time.monotonic() > deadline:
            return "not seen"
        time.sleep(0.01)
    return "seen"


def test_worker_log_records_reach_the_flow_process_while_the_task_runs(tmp_path):
    import logging

    flag = tmp_path / "seen"

    class Flagger(logging.Handler):
        def emit(self, record):
            if record.getMessage() == "first record from the worker":
                self.fields = (record.task_run_name, record.flow_run_name, record.flow_name)
                flag.touch()

    handler = Flagger()
    logging.getLogger("headrace.task_runs").addHandler(handler)
    try:

        @flow(task_runner=ProcessPoolTaskRunner(max_workers=1))
        def watched():
            return log_then_wait_for.submit(str(flag)).result()

        assert watched() == "seen"
    finally:
        logging.getLogger("headrace.task_runs").removeHandler(handler)
    task_run_name, flow_run_name, flow_name = handler.fields
    assert task_run_name.startswith("log_then_wait_for-") and flow_name == "watched"
    (run,) = list_flow_runs()
    assert flow_run_name == run["name"]
    assert "first record from the worker" in [log["message"] for log in list_logs(run["id"])]


@task
def chatty(n):
    logger = get_run_logger()
    for i in range(n):
        logger.info("line %d", i)
    logger.warning("secret=hunter2")
    return n


def _drop_odd_lines():
    def processor(kind, payload):
        message = payload.get("message", "")
        if message.startswith("line ") and int(message.split()[1]) % 2:
            return None
        return kind, payload

    return processor


def _mask_secrets():
    def processor(kind, payload):
        return kind, {**payload, "message": payload["message"].replace("hunter2", "***")}

    return processor


def _broken_factory():
    raise RuntimeError("this factory fails; the runner goes on without it")


def test_message_processors_change_and_drop_worker_records_in_order():
    runner = ProcessPoolTaskRunner(max_workers=1)
    runner.subprocess_message_processor_factories = [
        _drop_odd_lines,
        _broken_factory,
        _mask_secrets,
    ]

    @flow(task_runner=runner)
    def talk():
        return chatty.submit(4).result()

    assert talk() == 4
    (run,) = list_flow_runs()
    messages = [log["message"] for log in list_logs(run["id"])]
    assert [m for m in messages if m.startswith("line ")] == ["line 0", "line 2"]
    assert "secret=***" in messages and not any("hunter2" in m for m in messages)


def test_processors_survive_duplicate_and_cannot_change_on_a_started_runner():
    runner = ProcessPoolTaskRunner(
        max_workers=2, subprocess_message_processor_factories=[_mask_secrets]
    )
    copy = runner.duplicate()
    assert copy.subprocess_message_processor_factories == (_mask_secrets,)
    assert copy == runner
    with copy, pytest.raises(RuntimeError, match="while task runner is started"):
        copy.set_subprocess_message_processor_factories([])
    copy.set_subprocess_message_processor_factories([])
    assert copy != runner


def test_the_forwarding_thread_and_queue_stop_with_the_runner():
    with ProcessPoolTaskRunner(max_workers=1) as runner:
        assert runner.submit(where, {"x": 4}).result()[1] == 16
        thread = runner._message_forwarding_thread
        assert thread is not None and thread.is_alive()
        assert runner._cached_env["PATH"] == os.environ["PATH"]
    assert not thread.is_alive()
    assert runner._subprocess_message_queue is None and runner._cached_context is None


@task
def countdown(n):
    if n == 0:
        return [os.getpid()]
    return countdown.submit(n - 1).result() + [os.getpid()]


def test_tasks_submitted_inside_a_worker_are_task_runs_of_the_flow_run():
    @flow(task_runner=ProcessPoolTaskRunner(max_workers=1))
    def nested():
        return countdown.submit(3).result()

    pids = nested()
    assert len(pids) == 4 and os.getpid() not in pids
    (run,) = list_flow_runs()
    runs = list_task_runs(run["id"])
    assert len(runs) == 4 and {r["state_name"] for r in runs} == {"Completed"}


def test_runners_pickle_as_their_configuration():
    import cloudpickle

    from headrace.task_runners import ThreadPoolTaskRunner

    runner = ProcessPoolTaskRunner(
        max_workers=2, subprocess_message_processor_factories=[_mask_secrets]
    )
    with runner:
        copy = cloudpickle.loads(cloudpickle.dumps(runner))
    assert copy == runner and copy._executor is None and not copy._started
    with ThreadPoolTaskRunner(max_workers=3) as threads:
        thread_copy = cloudpickle.loads(cloudpickle.dumps(threads))
    assert thread_copy == threads and thread_copy._executor is None
