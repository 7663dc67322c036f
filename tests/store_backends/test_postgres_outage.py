"""A PostgreSQL store that goes away mid-run: run records wait in memory, the loss of
contact is said on stderr, and everything is written once the database is back."""

from __future__ import annotations

import time

from pg_support import PostgresServer  # tests/, on sys.path by tests/conftest.py

from headrace.run_records import FlowRun, TaskRun
from headrace.states import Completed, Running
from headrace.store import open_store
from headrace.store.interface import TaskRunQuery


def test_records_survive_a_database_outage(capfd):
    server = PostgresServer()  # its own server: this test stops it
    try:
        store = open_store(server.url(server.create_schema()))
        run = FlowRun("etl", {}, name="steady")
        run.state = Running()
        store.runs.record_flow_run(run)
        assert store.flush(timeout=10)

        server.halt()
        for i in range(20):
            task = TaskRun("load", "load-key", run.id, {}, set())
            task.name, task.state = f"load-{i}", Completed()
            store.runs.record_task_run(task)  # returns at once: nothing waits on the database
        assert store.flush(timeout=10) is False  # said, not pretended
        assert "cannot write run records" in capfd.readouterr().err

        server.start()
        deadline = time.monotonic() + 30
        while not store.flush(timeout=10):
            assert time.monotonic() < deadline, "the records were never written"
        assert "takes writes again; nothing is lost" in capfd.readouterr().err
        stored = store.runs.read_task_runs(TaskRunQuery(flow_run_ids=[run.id]))
        assert sorted(t["name"] for t in stored) == sorted(f"load-{i}" for i in range(20))
        store.close()
    finally:
        server.stop()


def test_records_of_a_store_closed_during_an_outage_are_written_by_the_next_open(
    capfd, tmp_path, monkeypatch
):
    monkeypatch.setenv("HEADRACE_HOME", str(tmp_path / "home"))
    server = PostgresServer()
    try:
        url = server.url(server.create_schema())
        store = open_store(url)
        run = FlowRun("etl", {}, name="steady")
        run.state = Running()
        store.runs.record_flow_run(run)
        assert store.flush(timeout=10)

        server.halt()
        for i in range(5):
            task = TaskRun("load", "load-key", run.id, {}, set())
            task.name, task.state = f"load-{i}", Completed()
            store.runs.record_task_run(task)
        assert store.flush(timeout=10) is False
        problem = store.write_problem()
        assert problem is not None and "10 run record(s)" in problem and "spool" in problem
        spooled = list((tmp_path / "home" / "spool").iterdir())
        assert len(spooled) == 1 and spooled[0].stat().st_mode & 0o777 == 0o600
        store.close()  # the process ends its use of the database while it is down
        assert "could not be written" in capfd.readouterr().err

        server.start()
        reopened = open_store(url)
        assert "wrote the run records kept in" in capfd.readouterr().err
        assert not list((tmp_path / "home" / "spool").iterdir())
        stored = reopened.runs.read_task_runs(TaskRunQuery(flow_run_ids=[run.id]))
        assert sorted(t["name"] for t in stored) == [f"load-{i}" for i in range(5)]
        assert len(reopened.runs.read_states(stored[0]["id"])) == 1
        again = open_store(url)  # nothing is replayed twice
        assert len(again.runs.read_task_runs(TaskRunQuery(flow_run_ids=[run.id]))) == 5
        again.close()
        reopened.close()
    finally:
        server.stop()
