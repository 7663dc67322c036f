"""Run records the store will not take are kept, reported and written later.

Real faults only: a second process holding the write lock, a file-size limit the
database cannot grow past. The flows run in their own processes, so their exit status
and stderr are the ones a person running the script would see.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

from faults import PYTHON, cli, rows, run_script, wait_until

from headrace.store._spool import spool_files

HERE = Path(__file__).parent
TASKS = 200

FLOW = f"""
    from headrace import flow, task

    @task
    def double(x):
        return 2 * x

    @flow(log_prints=True)
    def busy():
        print("working")
        return sum(double(i) for i in range({TASKS}))

    assert busy() == {sum(2 * i for i in range(TASKS))}
    print("flow returned", flush=True)
"""


def _prepare(home: Path) -> None:
    """Create the store (schemas) before the fault, as an earlier run would have."""
    from headrace.store import get_store, reset_store

    assert get_store().location == str(home / "headrace.db")
    reset_store()


def _hold_lock(database: Path, seconds: float | None = None) -> subprocess.Popen[str]:
    args = [PYTHON, str(HERE / "_hold_lock.py"), str(database)]
    if seconds is not None:
        args.append(str(seconds))
    holder = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert holder.wait(timeout=10) == 0


def _counts(database: Path) -> tuple[int, int, int, int]:
    return (
        rows(database, "SELECT count(*) FROM flow_runs")[0][0],
        rows(database, "SELECT count(*) FROM task_runs WHERE state_name = 'Completed'")[0][0],
        rows(database, "SELECT count(*) FROM run_states")[0][0],
        rows(database, "SELECT count(*) FROM logs")[0][0],
    )


def test_lock_held_too_long_spools_the_records_and_the_next_start_writes_them_once(
    tmp_path, home, database
):
    _prepare(home)
    holder = _hold_lock(database)
    try:
        result = run_script(tmp_path, home, FLOW, HEADRACE_STORE_LOCK_TIMEOUT="0.5")
    finally:
        _release(holder)

    # the flow's own work succeeded, but the script says its records were not stored
    assert "flow returned" in result.stdout
    assert result.returncode == 3, result.stderr
    assert str(database) in result.stderr
    assert "database is locked" in result.stderr
    # the run's own output (its logger) warns too
    assert "could not be written" in result.stderr
    (spool,) = spool_files(str(database))
    assert stat.S_IMODE(spool.stat().st_mode) == 0o600
    assert str(spool) in result.stderr
    assert rows(database, "SELECT count(*) FROM task_runs")[0][0] == 0
    kept = tmp_path / "spool-copy"
    shutil.copy(spool, kept)

    # any command opening the store replays the spool, then removes it
    listed = cli(home, "runs", "ls")
    assert listed.returncode == 0, listed.stderr
    assert "busy" in listed.stdout
    assert not spool.exists()
    counts = _counts(database)
    assert counts[:2] == (1, TASKS)
    assert rows(database, "SELECT state_name FROM flow_runs") == [("Completed",)]

    # replaying the same file again writes nothing twice
    shutil.copy(kept, spool)
    assert cli(home, "variable", "ls").returncode == 0
    assert not spool.exists()
    assert _counts(database) == counts


def test_a_lock_released_within_the_timeout_is_waited_out(tmp_path, home, database):
    _prepare(home)
    holder = _hold_lock(database, seconds=0.4)
    result = run_script(tmp_path, home, FLOW, HEADRACE_STORE_LOCK_TIMEOUT="20")
    assert holder.wait(timeout=10) == 0
    assert result.returncode == 0, result.stderr
    assert "could not be written" not in result.stderr
    assert spool_files(str(database)) == []
    assert _counts(database)[:2] == (1, TASKS)


def test_a_store_that_cannot_grow_spools_the_records(tmp_path, home, database):
    """RLIMIT_FSIZE: no file may grow past the limit (SIGXFSZ ignored, so writes fail with
    EFBIG, as on a full disk). Each flow's records are one commit of several pages to the
    write-ahead log, which soon reaches the limit; the spool file (run records and the
    flow-run state events) stays below it."""
    _prepare(home)
    limit = 128 * 1024
    source = f"""
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        from headrace import flow, task

        @task
        def step(i):
            return i

        @flow
        def small(n):
            return sum(step(i) for i in range(n))

        for _ in range(8):
            assert small(5) == 10
        print("flows returned", flush=True)
    """
    result = run_script(tmp_path, home, source)
    assert "flows returned" in result.stdout
    assert result.returncode == 3, result.stderr
    assert str(database) in result.stderr
    assert "database or disk is full" in result.stderr or "disk I/O error" in result.stderr
    (spool,) = spool_files(str(database))

    assert cli(home, "runs", "ls").returncode == 0
    assert not spool.exists()
    assert rows(database, "SELECT count(*), min(state_name) FROM flow_runs") == [(8, "Completed")]
    assert rows(database, "SELECT count(*) FROM task_runs")[0][0] == 40


def test_flush_reports_failure_in_process(home, database):
    """The writer's flush() is False while records are unwritten, and says why."""
    from headrace.store import get_store, reset_store

    store = get_store()
    store.flush()
    holder = _hold_lock(database)
    os.environ["HEADRACE_STORE_LOCK_TIMEOUT"] = "0.2"
    try:
        from headrace.run_records import FlowRun
        from headrace.states import Completed

        run = FlowRun("in-process", {})
        run.state = Completed()
        store.runs.record_flow_run(run)
        assert store.flush() is False
        problem = store.write_problem()
        assert problem is not None
        assert str(database) in problem and "locked" in problem
    finally:
        del os.environ["HEADRACE_STORE_LOCK_TIMEOUT"]
        _release(holder)
    reset_store()  # closing writes nothing more; the next open replays the spool
    assert wait_until(lambda: get_store().runs.read_flow_run(run.id))
    assert spool_files(str(database)) == []


def test_records_that_not_even_the_spool_can_take_are_reported_as_lost(tmp_path, home, database):
    """One batch bigger than the file-size limit: neither the write-ahead log nor the
    spool can take it. Nothing is kept, the script says so and exits 3, and no torn line
    is left in the spool file."""
    _prepare(home)
    limit = 128 * 1024
    source = f"""
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        from headrace import flow, task

        @task
        def step(i):
            return i

        @flow
        def big():
            return sum(step(i) for i in range(500))

        assert big() == 124750
    """
    result = run_script(tmp_path, home, source)
    assert result.returncode == 3, result.stderr
    assert f"cannot write the recovery file {database}.spool-" in result.stderr
    assert "lost when this process ends" in result.stderr
    for spool in spool_files(str(database)):
        assert spool.read_bytes() == b""
    assert cli(home, "runs", "ls").returncode == 0
    assert spool_files(str(database)) == []


def test_a_store_that_cannot_be_opened_is_named(tmp_path, home, database):
    _prepare(home)
    source = """
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))
        from headrace import flow

        @flow
        def hello():
            return 1

        hello()
    """
    result = run_script(tmp_path, home, source)
    assert result.returncode != 0
    assert f"cannot open the store {database}: OperationalError: disk I/O error" in result.stderr
