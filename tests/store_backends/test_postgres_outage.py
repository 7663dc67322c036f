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
