"""What is particular to running on Dask: worker processes, lost workers, clients in
tasks, the temporary cluster, the plugin and the migrate rule."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time

import cloudpickle
import pytest
from click.testing import CliRunner

from headrace import flow, get_run_logger, runtime, task
from headrace.cli import build_cli
from headrace.store.runs import list_flow_runs, list_logs, list_task_runs
from headrace_dask import DaskTaskRunner, get_async_dask_client, get_dask_client

cloudpickle.register_pickle_by_value(sys.modules[__name__])

pytestmark = pytest.mark.headrace_harness


@task
def where(x):
    get_run_logger().info("computing %s", x)
    return os.getpid(), x * x


def explode_here():
    raise KeyError("missing on the worker")


@task
def explode():
    explode_here()


def test_calls_run_on_workers_and_everything_is_recorded_here(headrace_dask_task_runner):
    @flow(task_runner=headrace_dask_task_runner)
    def pipeline():
        results = where.map([1, 2, 3]).result()
        error = explode.submit().result(raise_on_failure=False)
        return results, error

    results, error = pipeline()
    assert [value for _, value in results] == [1, 4, 9]
    assert all(pid != os.getpid() for pid, _ in results)
    assert isinstance(error, KeyError) and "missing on the worker" in str(error)
    assert "explode_here" in error.__headrace_remote_traceback__
    (run,) = list_flow_runs()
    assert "computing 2" in [log["message"] for log in list_logs(run["id"])]
    assert len(list_task_runs(run["id"])) == 4


@task
def kill_my_worker():
    os.kill(os.getpid(), signal.SIGKILL)


@task(retries=1)
def kill_my_worker_once():
    if runtime.task_run.run_count == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return "survived"


def test_a_lost_worker_crashes_the_attempt_and_retries_run_it_again(headrace_dask_task_runner):
    @flow(task_runner=headrace_dask_task_runner)
    def pipeline():
        # one loss at a time: a retry may otherwise land on a worker that is dying too
        lost = kill_my_worker.submit()
        lost.wait()
        retried = kill_my_worker_once.submit()
        return lost.state.name, retried.result(), retried.task_run.run_count

    assert pipeline() == ("Crashed", "survived", 2)


def test_direct_calls_stay_in_the_flow_process(headrace_dask_task_runner):
    @flow(task_runner=headrace_dask_task_runner)
    def pipeline():
        return where(5)

    assert pipeline() == (os.getpid(), 25)


@task(timeout_seconds=1.2)
def nap(i):
    time.sleep(0.5)
    return i


def test_timeouts_count_from_the_start_of_the_call_not_from_submission(headrace_dask_task_runner):
    @flow(task_runner=headrace_dask_task_runner)
    def pipeline():
        # 6 x 0.5 s on at most 2 Dask threads: the last calls start after 1.2 s in the queue
        return nap.map(range(6)).result()

    assert pipeline() == list(range(6))


@task
def sum_on_the_cluster(numbers):
    with get_dask_client() as client:
        futures = client.map(lambda n: n * 10, numbers)
        return sum(client.gather(futures))


def test_get_dask_client_inside_tasks_and_flows(headrace_dask_task_runner, headrace_dask_address):
    @flow(task_runner=headrace_dask_task_runner)
    def pipeline():
        from_task = sum_on_the_cluster.submit([1, 2, 3]).result()
        with get_dask_client() as client:
            same_cluster = client.scheduler.address == headrace_dask_address
        return from_task, same_cluster

    assert pipeline() == (60, True)


async def test_get_async_dask_client_in_an_async_flow(headrace_dask_task_runner):
    @flow(task_runner=headrace_dask_task_runner)
    async def pipeline():
        async with get_async_dask_client() as client:
            return await client.submit(lambda: "async", pure=False)

    assert await pipeline() == "async"


def test_get_dask_client_needs_a_dask_flow():
    with pytest.raises(RuntimeError, match="DaskTaskRunner"), get_dask_client():
        pass


def test_temporary_cluster_from_a_dotted_path_with_a_performance_report(tmp_path):
    report = tmp_path / "dask-report.html"
    runner = DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={"processes": False, "n_workers": 1, "dashboard_address": ":0"},
        performance_report_path=str(report),
    )

    @flow(task_runner=runner)
    def pipeline():
        return where.submit(4).result()[1], repr(runner)

    assert pipeline() == (16, "DaskTaskRunner(temporary cluster)")
    assert report.read_text().lstrip().startswith("<!DOCTYPE html>")


def test_runner_options():
    runner = DaskTaskRunner(address="tcp://127.0.0.1:1", client_kwargs={"timeout": 3})
    copy = runner.duplicate()
    assert (copy.address, copy.client_kwargs) == ("tcp://127.0.0.1:1", {"timeout": 3})
    with pytest.raises(ValueError, match="either"):
        DaskTaskRunner(address="tcp://127.0.0.1:1", cluster_kwargs={"n_workers": 1})
    with pytest.raises(RuntimeError, match="not running"):
        runner.client  # noqa: B018 - the property raises


def test_the_plugin_registers_the_runner():
    from headrace.plugins import get_plugin_manager

    manager = get_plugin_manager()
    runners = [cls for group in manager.hook.register_task_runners() for cls in group]
    assert DaskTaskRunner in runners


BEFORE_2X = """\
from prefect import flow
from prefect_dask import DaskTaskRunner
from prefect_dask.client import PrefectDaskClient


@flow(task_runner=DaskTaskRunner(cluster=cluster, client_kwargs={"timeout": 5}))
def pipeline():
    client = PrefectDaskClient(cluster)
"""

AFTER_2X = """\
from headrace import flow
from headrace_dask import DaskTaskRunner


@flow(task_runner=DaskTaskRunner(address=cluster.scheduler_address, client_kwargs={"timeout": 5}))
def pipeline():
    # TODO(headrace-migrate DASK201): no PrefectDaskClient here: use get_dask_client() in tasks
    # TODO(headrace-migrate P300): PrefectDaskClient (prefect_dask.client.PrefectDaskClient) does not exist in headrace: its import was removed; replace this use
    client = PrefectDaskClient(cluster)
"""  # noqa: E501


def test_migrate_rule_for_prefect_dask_code(tmp_path):
    path = tmp_path / "legacy.py"
    path.write_text(textwrap.dedent(BEFORE_2X))
    result = CliRunner().invoke(build_cli(), ["migrate", str(path)], catch_exceptions=False)
    assert "DASK201" in result.output
    assert path.read_text() == AFTER_2X
    CliRunner().invoke(build_cli(), ["migrate", str(path)], catch_exceptions=False)
    assert path.read_text() == AFTER_2X  # a second run changes nothing
