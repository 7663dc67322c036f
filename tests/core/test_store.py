import os
import signal
import stat
import subprocess
import sys
import textwrap

import pytest

from headrace import flow, get_run_logger, task
from headrace.store import get_store, reset_store
from headrace.store.runs import list_flow_runs, list_logs, list_states, list_task_runs


@pytest.mark.usefixtures("store_backend")
def test_flow_and_task_runs_states_and_logs_are_recorded():
    @task
    def step(x):
        get_run_logger().info("step %s", x)
        return x

    @flow
    def pipeline():
        get_run_logger().warning("starting")
        return [step(i) for i in range(3)]

    pipeline()
    (run,) = list_flow_runs()
    assert run["flow_name"] == "pipeline" and run["state_name"] == "Completed"
    tasks = list_task_runs(run["id"])
    assert [t["name"] for t in tasks] == ["step-0", "step-1", "step-2"]
    assert all(t["state_type"] == "COMPLETED" and t["end_time"] for t in tasks)
    assert [s["name"] for s in list_states(run["id"])] == ["Pending", "Running", "Completed"]
    assert [s["name"] for s in list_states(tasks[0]["id"])] == ["Running", "Completed"]
    messages = [log["message"] for log in list_logs(run["id"])]
    assert "starting" in messages and "step 1" in messages


@pytest.mark.usefixtures("store_backend")
def test_every_mapped_task_run_is_recorded():
    @task
    def inc(x):
        return x + 1

    @flow
    def pipeline():
        return inc.map(range(2000)).result()

    assert len(pipeline()) == 2000
    (run,) = list_flow_runs()
    assert len(list_task_runs(run["id"])) == 2000


def test_database_is_private_and_in_wal_mode(isolated_home):
    store = get_store()
    mode = stat.S_IMODE(os.stat(store.location).st_mode)
    assert mode == 0o600
    assert store.database.query("PRAGMA journal_mode")[0][0] == "wal"


@pytest.mark.usefixtures("store_backend")
def test_killed_process_leaves_runs_marked_crashed_on_next_start(tmp_path, isolated_home):
    started = tmp_path / "started"
    script = tmp_path / "victim.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import pathlib, time
            from headrace import flow, task
            from headrace.store import get_store

            @task
            def hang():
                get_store().flush()
                pathlib.Path({str(started)!r}).write_text("yes")
                time.sleep(60)

            @flow
            def doomed():
                hang()

            doomed()
            """
        )
    )
    env = {"HEADRACE_HOME": str(isolated_home), "PATH": "/usr/bin:/bin"}
    if os.environ.get("HEADRACE_DATABASE_URL"):
        env["HEADRACE_DATABASE_URL"] = os.environ["HEADRACE_DATABASE_URL"]
    victim = subprocess.Popen([sys.executable, str(script)], env=env, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if started.exists():
                break
            try:
                victim.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
        assert started.exists(), "the victim never started its task"
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    reset_store()
    (run,) = list_flow_runs()
    assert run["state_name"] == "Crashed"
    (task_run,) = list_task_runs(run["id"])
    assert task_run["state_name"] == "Crashed"
    assert list_states(run["id"])[-1]["name"] == "Crashed"


@pytest.mark.usefixtures("store_backend")
def test_not_ready_runs_of_dead_processes_are_not_crashed():
    from headrace.run_records import TaskRun
    from headrace.states import NotReady, Running
    from headrace.store import runs as records

    store = get_store()
    waiting, stuck = (TaskRun(name, "k", None, {}, set()) for name in ("waiting", "stuck"))
    waiting.state, stuck.state = NotReady(message="upstream failed"), Running()
    for run in (waiting, stuck):
        records.record_task_run(store, run)
    store.flush()
    # a pid that cannot exist
    store.database.execute("UPDATE task_runs SET process = '999999999:1'")
    reset_store()
    names = {row["task_name"]: row["state_name"] for row in list_task_runs()}
    assert names == {"waiting": "NotReady", "stuck": "Crashed"}
