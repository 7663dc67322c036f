"""Deployments and the process worker, end to end with real subprocesses and the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from ops_support import PYTHON, subprocess_env, wait_until

from headrace.cli import build_cli
from headrace.deployments import EntrypointError, RunRejected, load_flow_from_source, records
from headrace.deployments.deploy import run_deployment
from headrace.workers import ProcessWorker, reap_dead_workers

FLOWS = """
import pathlib
import time

from headrace import flow


@flow
def greet(name: str = "world", times: int = 1) -> str:
    return " ".join([f"hello {name}"] * times)


@flow
def hang(marker: str) -> None:
    pathlib.Path(marker).write_text("running")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(0.05)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "flows.py").write_text(FLOWS)
    # module entrypoints ("flows:greet") import `flows` from the project folder: keep that
    # name and the path entry from leaking into other tests of this process
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield folder
    sys.modules.pop("flows", None)


def cli(*args: str) -> object:
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


def start_worker(home: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "headrace", "worker", "start", "--pool", "local", *args],
        env=subprocess_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def state_of(run_id: str) -> str:
    return records.run_row(run_id)["state_type"]


def test_deploy_run_and_worker_executes_it(project: Path, headrace_home: Path) -> None:
    assert cli("work-pool", "create", "local", "--type", "process").exit_code == 0
    greet = load_flow_from_source(project, "flows.py:greet")
    greet.deploy("ops", work_pool_name="local", parameters={"name": "ops"}, print_next_steps=False)
    listing = cli("deployment", "ls", "--json")
    assert '"full_name": "greet/ops"' in listing.output
    assert '"entrypoint": "flows.py:greet"' in listing.output

    # a deployment whose file went away after deploying: its run fails, the others run
    (project / "gone.py").write_text(FLOWS)
    load_flow_from_source(project, "gone.py:greet").deploy(
        "broken", work_pool_name="local", print_next_steps=False
    )
    (project / "gone.py").unlink()
    broken = run_deployment("greet/broken", timeout=0, validate=False).id

    worker = start_worker(headrace_home)
    try:
        result = cli(
            "deployment", "run", "greet/ops", "--param", "times=2", "--watch", "--timeout", "60"
        )
        assert result.exit_code == 0, result.output
        assert "is Completed" in result.output
        wait_until(lambda: state_of(broken) == "FAILED", timeout=30, what="the broken run")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        worker.kill()
    (good,) = [r["id"] for r in records.deployment_runs(records.get_deployment("greet/ops").id)]
    row = records.run_row(good)
    assert row["parameters"] == {"name": "ops", "times": 2}
    assert row["worker_id"] is not None and row["end_time"] is not None
    assert "does not exist" in records.run_row(broken)["state_message"]
    assert cli("work-pool", "ls", "--json").output.count('"workers": 0') == 1  # stopped


def test_killed_worker_runs_become_crashed_after_the_heartbeat_window(
    project: Path, headrace_home: Path, tmp_path: Path
) -> None:
    records.create_work_pool("local")
    hang = load_flow_from_source(project, "flows.py:hang")
    hang.deploy("stuck", work_pool_name="local", print_next_steps=False)
    marker = tmp_path / "marker"
    run_id = run_deployment("hang/stuck", parameters={"marker": str(marker)}, timeout=0).id
    worker = start_worker(headrace_home)
    try:
        wait_until(marker.exists, timeout=30, what="the run to start")
        wait_until(lambda: state_of(run_id) == "RUNNING", what="Running recorded")
        # the worker and its run both die without a word: stop the run so it cannot react
        # to its parent's death, kill the worker, then kill the run
        run_pid = int(records.run_row(run_id)["process"].partition(":")[0])
        os.kill(run_pid, signal.SIGSTOP)
    finally:
        worker.kill()
        worker.wait()
    os.kill(run_pid, signal.SIGKILL)
    assert reap_dead_workers(window=60) == []  # not before the window
    wait_until(lambda: reap_dead_workers() == [run_id], what="the reaper")
    row = records.run_row(run_id)
    assert row["state_type"] == "CRASHED"
    assert "stopped heartbeating" in row["state_message"]


def test_two_workers_schedule_the_next_runs_once(project: Path, headrace_home: Path) -> None:
    records.create_work_pool("local")
    greet = load_flow_from_source(project, "flows.py:greet")
    greet.deploy("yearly", work_pool_name="local", cron="0 0 1 1 *", print_next_steps=False)
    workers = [start_worker(headrace_home, "--run-once") for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=60) == 0
    runs = records.deployment_runs(records.get_deployment("greet/yearly").id)
    times = [run["scheduled_time"] for run in runs]
    assert len(times) == 3 and len(set(times)) == 3  # the next three, no duplicates
    assert {run["state_type"] for run in runs} == {"SCHEDULED"}


def test_bad_input_gives_clear_errors(project: Path) -> None:
    greet = load_flow_from_source(project, "flows.py:greet")
    with pytest.raises(ValueError, match="Could not find work pool 'nowhere'"):
        greet.deploy("x", work_pool_name="nowhere", print_next_steps=False)
    result = cli("worker", "start", "--pool", "nowhere")
    assert result.exit_code == 1 and "work pool 'nowhere' not found" in result.output

    records.create_work_pool("local")
    greet.deploy("ok", work_pool_name="local", print_next_steps=False)
    result = cli("deployment", "run", "greet/ok", "-p", "times=lots")
    assert result.exit_code == 1
    assert "Validation of flow parameters failed" in result.output
    assert "times" in result.output
    result = cli("deployment", "run", "greet/ok", "-p", "colour=red")
    assert result.exit_code == 1 and "no parameter(s) colour" in result.output
    failed = records.deployment_runs(records.get_deployment("greet/ok").id)
    assert [run["state_type"] for run in failed] == ["FAILED", "FAILED"]
    assert "Validation of flow parameters failed" in failed[0]["state_message"]

    (project / "flows.py").write_text("def greet(:\n")  # the entrypoint no longer imports
    with pytest.raises(RunRejected, match="could not import entrypoint 'flows.py:greet'"):
        run_deployment("greet/ok", timeout=0)
    result = cli("deployment", "run", "greet/nope")
    assert result.exit_code == 1 and "deployment 'greet/nope' not found" in result.output


def test_module_entrypoints_and_deploying_several(project: Path) -> None:
    import headrace

    greet = load_flow_from_source(project, "flows:greet")  # a module path, not a file
    hang = load_flow_from_source(project, "flows.py:hang")
    assert greet.name == "greet"
    records.create_work_pool("local")
    ids = headrace.deploy(
        greet.to_deployment("a"), hang.to_deployment("b"), work_pool_name="local",
        print_next_steps_message=False,
    )  # fmt: skip
    assert [records.get_deployment(i).full_name for i in ids] == ["greet/a", "hang/b"]
    assert records.get_deployment("greet/a").entrypoint == "flows:greet"


@pytest.mark.parametrize(
    "entrypoint, message",
    [
        ("flows.py", "invalid entrypoint"),
        ("missing.py:greet", "does not exist"),
        ("flows.py:absent", "'absent' not found"),
        ("flows.py:pathlib", "is not a flow"),
        ("raises.py:f", "could not import entrypoint 'raises.py:f': RuntimeError: boom"),
    ],
)
def test_entrypoint_errors(project: Path, entrypoint: str, message: str) -> None:
    (project / "raises.py").write_text("raise RuntimeError('boom')\n")
    with pytest.raises(EntrypointError, match=message):
        load_flow_from_source(project, entrypoint)


def test_worker_tick_in_process_claims_each_run_once(project: Path, monkeypatch) -> None:
    monkeypatch.setenv("HEADRACE_WORKER_HEARTBEAT_SECONDS", "10")  # both stay alive
    records.create_work_pool("local")
    load_flow_from_source(project, "flows.py:greet").deploy(
        "once", work_pool_name="local", print_next_steps=False
    )
    run_ids = [run_deployment("greet/once", timeout=0).id for _ in range(2)]
    first, second = ProcessWorker("local", limit=1), ProcessWorker("local", limit=1)
    try:
        assert first.tick() == [run_ids[0]]  # its limit is 1
        assert second.tick() == [run_ids[1]]  # the other run, never the same one
        assert first.tick() == [] and second.tick() == []
        done = lambda: all(state_of(run_id) == "COMPLETED" for run_id in run_ids)  # noqa: E731
        wait_until(done, timeout=30, what="the runs")
    finally:
        for worker in (first, second):
            worker.shutdown()


def test_limit_and_gcl_cli() -> None:
    assert cli("concurrency-limit", "create", "db", "2").exit_code == 0
    assert '"tag": "db"' in cli("concurrency-limit", "ls", "--json").output
    inspected = cli("concurrency-limit", "inspect", "db").output
    assert '"concurrency_limit": 2' in inspected and '"active_slots": []' in inspected
    assert cli("concurrency-limit", "reset", "db").exit_code == 0
    assert cli("concurrency-limit", "delete", "db").exit_code == 0
    result = cli("concurrency-limit", "inspect", "db")
    assert result.exit_code == 1 and "not found" in result.output

    created = cli("gcl", "create", "api", "--limit", "5", "--slot-decay-per-second", "1.5")
    assert created.exit_code == 0
    assert cli("gcl", "create", "api", "--limit", "1").exit_code == 1  # exists already
    assert cli("gcl", "update", "api", "--limit", "7", "--disable").exit_code == 0
    shown = cli("gcl", "inspect", "api").output
    assert '"limit": 7' in shown and '"active": false' in shown
    assert '"slot_decay_per_second": 1.5' in shown
    assert "api" in cli("global-concurrency-limit", "ls").output
    assert cli("gcl", "delete", "api").exit_code == 0
    assert cli("gcl", "ls", "--json").output.strip() == "[]"
    assert cli("work-pool", "create", "p", "--type", "docker").exit_code == 1


def test_cli_run_of_a_served_deployment_without_pool(project: Path) -> None:
    greet = load_flow_from_source(project, "flows.py:greet")
    greet.to_deployment("served").apply()
    result = cli("deployment", "run", "greet/served", "-p", 'name="x"')
    assert result.exit_code == 0 and "in state Scheduled" in result.output
    table = cli("deployment", "ls").output
    assert "greet/served" in table and "(served)" in table


def test_a_run_does_not_outlive_its_worker(
    project: Path, headrace_home: Path, tmp_path: Path
) -> None:
    records.create_work_pool("local")
    load_flow_from_source(project, "flows.py:hang").deploy(
        "orphan", work_pool_name="local", print_next_steps=False
    )
    marker = tmp_path / "marker"
    run_id = run_deployment("hang/orphan", parameters={"marker": str(marker)}, timeout=0).id
    worker = start_worker(headrace_home)
    try:
        wait_until(marker.exists, timeout=30, what="the run to start")
    finally:
        worker.send_signal(signal.SIGKILL)  # only the worker: its run gets SIGTERM
        worker.wait()
    try:
        wait_until(lambda: state_of(run_id) == "CRASHED", timeout=30, what="the run to end")
    except AssertionError as exc:
        # seen now and then in full-suite runs only: say where the run was left
        raise AssertionError(f"{exc}: {_where_the_run_is(run_id)}") from None
    assert records.run_row(run_id)["state_message"] == "Execution was interrupted: SIGTERM"


def _where_the_run_is(run_id: str) -> str:
    row = records.run_row(run_id)
    pid = int((row.get("process") or "0").partition(":")[0] or 0)
    alive = pid > 0 and Path(f"/proc/{pid}").exists()
    return (
        f"state {row['state_type']} ({row['state_message']!r}), process {row.get('process')!r} "
        f"{'still running' if alive else 'gone'}"
    )


def test_deployment_inspect_and_delete(project: Path) -> None:
    records.create_work_pool("local")
    greet = load_flow_from_source(project, "flows.py:greet")
    greet.deploy("daily", work_pool_name="local", cron="0 6 * * *", print_next_steps=False)
    run_deployment("greet/daily", timeout=0)
    shown = cli("deployment", "inspect", "greet/daily").output
    data = json.loads(shown)
    assert data["schedules"][0]["cron"] == "0 6 * * *"
    assert data["runs"][0]["state"]["type"] == "SCHEDULED"
    assert cli("deployment", "delete", "greet/daily").exit_code == 0
    assert cli("deployment", "inspect", "greet/daily").exit_code == 1
    # nothing is left scheduled for a deleted deployment
    from headrace.store import get_store

    scheduled = "SELECT COUNT(*) FROM flow_runs WHERE state_type = 'SCHEDULED'"
    assert get_store().database.query(scheduled)[0][0] == 0
