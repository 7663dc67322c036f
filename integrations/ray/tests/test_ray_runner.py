"""RayTaskRunner on a real local Ray: the core behaviour scenarios (shared with the Dask
suite) give the thread runner's outcomes; plus what is particular to Ray."""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import textwrap
import time
from pathlib import Path

import cloudpickle
import pytest
from click.testing import CliRunner

from headrace import flow, get_run_logger, runtime, task
from headrace.cli import build_cli
from headrace.store.runs import list_flow_runs, list_logs, list_task_runs
from headrace.task_runners import ThreadPoolTaskRunner
from headrace_ray import RayTaskRunner, remote_options

cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _load_scenarios():
    """The Dask suite's scenarios: one definition of "behaves like the thread runner"."""
    path = Path(__file__).parents[2] / "dask" / "tests" / "test_dask_behaviour.py"
    spec = importlib.util.spec_from_file_location("headrace_runner_scenarios", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # cloudpickle sends it by value: it must be registered
    spec.loader.exec_module(module)
    return module


scenarios = _load_scenarios()


@pytest.mark.parametrize("scenario", scenarios.SCENARIOS, ids=lambda s: s.__name__)
def test_ray_and_threads_give_the_same_outcome(scenario, headrace_ray_task_runner):
    on_threads = scenarios.run_isolated(scenario, ThreadPoolTaskRunner())
    on_ray = scenarios.run_isolated(scenario, headrace_ray_task_runner)
    assert on_threads == scenarios.SCENARIOS[scenario]
    assert on_ray == on_threads


@task
def where(x):
    get_run_logger().info("computing %s", x)
    return os.getpid(), x * x


def explode_here():
    raise KeyError("missing on the worker")


@task
def explode():
    explode_here()


@pytest.mark.headrace_harness
def test_calls_run_in_ray_workers_and_everything_is_recorded_here(headrace_ray_task_runner):
    @flow(task_runner=headrace_ray_task_runner)
    def pipeline():
        results = where.map([1, 2, 3]).result()
        error = explode.submit().result(raise_on_failure=False)
        return results, error, where(5)

    results, error, direct = pipeline()
    assert [value for _, value in results] == [1, 4, 9]
    assert all(pid != os.getpid() for pid, _ in results)
    assert direct == (os.getpid(), 25)  # direct calls stay in the flow's process
    assert isinstance(error, KeyError) and "missing on the worker" in str(error)
    assert "explode_here" in error.__headrace_remote_traceback__
    (run,) = list_flow_runs()
    assert "computing 2" in [log["message"] for log in list_logs(run["id"])]
    assert len(list_task_runs(run["id"])) == 5


@task
def kill_my_worker():
    os.kill(os.getpid(), signal.SIGKILL)


@task(retries=1)
def kill_my_worker_once():
    if runtime.task_run.run_count == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return "survived"


@pytest.mark.headrace_harness
def test_a_lost_worker_crashes_the_attempt_and_retries_run_it_again(headrace_ray_task_runner):
    @flow(task_runner=headrace_ray_task_runner)
    def pipeline():
        # one loss at a time: a retry may otherwise land on a worker that is dying too
        lost = kill_my_worker.submit()
        lost.wait()
        retried = kill_my_worker_once.submit()
        return lost.state.name, retried.result(), retried.task_run.run_count

    assert pipeline() == ("Crashed", "survived", 2)


@task(timeout_seconds=1.2)
def nap(i):
    time.sleep(0.5)
    return i


@pytest.mark.headrace_harness
def test_timeouts_count_from_the_start_of_the_call_not_from_submission(headrace_ray_task_runner):
    @flow(task_runner=headrace_ray_task_runner)
    def pipeline():
        # 6 x 0.5 s on 2 Ray CPUs: the last calls start after 1.2 s in the queue
        return nap.map(range(6)).result()

    assert pipeline() == list(range(6))


@task
def assigned_cpus():
    import ray

    return ray.get_runtime_context().get_assigned_resources().get("CPU")


@pytest.mark.headrace_harness
def test_remote_options_apply_to_the_runs_submitted_in_the_block(headrace_ray_task_runner):
    @flow(task_runner=headrace_ray_task_runner)
    def pipeline():
        with remote_options(num_cpus=1), remote_options(num_cpus=2):
            wide = assigned_cpus.submit()
        return wide.result(), assigned_cpus.submit().result()

    assert pipeline() == (2.0, 1.0)


@pytest.mark.headrace_harness
def test_a_runner_leaves_a_ray_it_did_not_start_running(headrace_ray_task_runner):
    import ray

    @flow(task_runner=headrace_ray_task_runner)
    def pipeline():
        return where.submit(3).result()[1]

    assert pipeline() == 9
    assert ray.is_initialized()
    copy = RayTaskRunner(address="auto", init_kwargs={"num_cpus": 1}).duplicate()
    assert (copy.address, copy.init_kwargs, repr(copy)) == (
        "auto",
        {"num_cpus": 1},
        "RayTaskRunner(address='auto')",
    )


def test_the_plugin_registers_the_runner():
    from headrace.plugins import get_plugin_manager

    runners = [cls for group in get_plugin_manager().hook.register_task_runners() for cls in group]
    assert RayTaskRunner in runners


BEFORE_2X = """\
from prefect import flow
from prefect_ray.context import remote_options
from prefect_ray.task_runners import PrefectRayFuture, RayTaskRunner


@flow(task_runner=RayTaskRunner(address="auto"))
def pipeline(upstream: PrefectRayFuture):
    with remote_options(num_cpus=2):
        return upstream
"""

AFTER_2X = """\
from headrace import flow
from headrace_ray.context import remote_options
from headrace_ray.task_runners import RayTaskRunner
from headrace.futures import PrefectFuture


@flow(task_runner=RayTaskRunner(address="auto"))
def pipeline(upstream: PrefectFuture):
    with remote_options(num_cpus=2):
        return upstream
"""


def test_migrate_rule_for_prefect_ray_code(tmp_path):
    path = tmp_path / "legacy.py"
    path.write_text(textwrap.dedent(BEFORE_2X))
    CliRunner().invoke(build_cli(), ["migrate", str(path)], catch_exceptions=False)
    assert path.read_text() == AFTER_2X
    CliRunner().invoke(build_cli(), ["migrate", str(path)], catch_exceptions=False)
    assert path.read_text() == AFTER_2X  # a second run changes nothing
