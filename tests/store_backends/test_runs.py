"""Run history on both SQL backends: queued writes, filters, paging, state changes."""

from __future__ import annotations

import logging

import pytest

from headrace.exceptions import ObjectNotFound
from headrace.run_records import FlowRun, TaskRun
from headrace.states import Completed, Failed, Pending, Running
from headrace.store.interface import FlowRunQuery, LogQuery, TaskRunQuery


def _flow_run(store, name, flow_name="etl", tags=(), state=None, created=None, parent=None):
    run = FlowRun(flow_name, {"x": 1}, tags=set(tags), name=name, parent_flow_run_id=parent)
    run.state = state or Completed()
    if created is not None:
        run.state._ts = created
    store.runs.record_flow_run(run)
    return run


def test_queued_records_are_read_back_after_a_flush(store):
    run = _flow_run(store, "first", state=Running())
    run.state = Completed()
    run.run_count, run.start_ts, run.end_ts = 1, 10.0, 12.5
    store.runs.record_flow_run_state(run)
    task = TaskRun("load", "load-key", run.id, {}, {"db"})
    task.name, task.state = "load-0", Running()
    store.runs.record_task_run(task)
    task.state = Failed(message="boom")
    store.runs.record_task_run_state(task)
    store.runs.record_log(run.id, task.id, logging.ERROR, "headrace.task_runs", "bad row", 11.0)

    stored = store.runs.read_flow_run(run.id)
    assert stored["name"] == "first" and stored["state_type"] == "COMPLETED"
    assert stored["parameters"] == {"x": 1} and stored["end_time"] == 12.5
    assert store.runs.read_flow_run(run.id[:8])["id"] == run.id  # a unique prefix
    (task_row,) = store.runs.read_task_runs(TaskRunQuery(flow_run_ids=[run.id]))
    assert task_row["state_name"] == "Failed" and task_row["tags"] == ["db"]
    assert store.runs.read_task_run(task.id)["state_message"] == "boom"
    assert [s["name"] for s in store.runs.read_states(run.id)] == ["Running", "Completed"]
    (log,) = store.runs.read_logs(LogQuery(task_run_ids=[task.id]))
    assert log["message"] == "bad row" and log["level"] == logging.ERROR


def test_flow_run_filters_sorting_and_paging(store):
    parent = _flow_run(store, "parent", flow_name="nightly", tags=["prod"], created=100.0)
    _flow_run(store, "child", tags=["prod", "eu"], created=101.0, parent=parent.id)
    _flow_run(store, "failed-one", tags=["dev"], state=Failed(), created=102.0)
    _flow_run(store, "tag_like", tags=["pr_d"], created=103.0)
    read = store.runs.read_flow_runs

    assert [r["name"] for r in read(FlowRunQuery())] == [
        "tag_like",
        "failed-one",
        "child",
        "parent",
    ]
    assert [r["name"] for r in read(FlowRunQuery(sort="created_asc", limit=2))] == [
        "parent",
        "child",
    ]
    assert [r["name"] for r in read(FlowRunQuery(sort="created_asc", limit=2, offset=2))] == [
        "failed-one",
        "tag_like",
    ]
    assert [r["name"] for r in read(FlowRunQuery(sort="created_asc", offset=3, limit=None))] == [
        "tag_like"
    ]
    # a tag is matched whole, and LIKE wildcards in it are plain characters
    assert {r["name"] for r in read(FlowRunQuery(tags_all=["prod"]))} == {"parent", "child"}
    assert [r["name"] for r in read(FlowRunQuery(tags_all=["prod", "eu"]))] == ["child"]
    assert [r["name"] for r in read(FlowRunQuery(tags_all=["pr_d"]))] == ["tag_like"]
    assert read(FlowRunQuery(tags_all=["PROD"])) == []  # exact, on both databases
    assert [r["name"] for r in read(FlowRunQuery(state_types=["failed"]))] == ["failed-one"]
    assert [r["name"] for r in read(FlowRunQuery(flow_names=["nightly"]))] == ["parent"]
    assert [r["name"] for r in read(FlowRunQuery(parent_flow_run_ids=[parent.id]))] == ["child"]
    top = read(FlowRunQuery(parent_flow_run_ids=[None], sort="name_asc"))
    assert [r["name"] for r in top] == ["failed-one", "parent", "tag_like"]
    assert [r["name"] for r in read(FlowRunQuery(name_like="ONE"))] == ["failed-one"]
    window = FlowRunQuery(created_after=101.0, created_before=102.0, sort="created_asc")
    assert [r["name"] for r in read(window)] == ["child", "failed-one"]
    assert store.runs.count_flow_runs(FlowRunQuery(tags_all=["prod"], limit=1)) == 2
    by_state = store.runs.count_flow_runs_by_state(FlowRunQuery(created_after=101.0))
    assert by_state == {"COMPLETED": 2, "FAILED": 1}


def test_many_task_runs_page_in_creation_order(store):
    run = _flow_run(store, "mapped")
    for i in range(250):
        task = TaskRun("inc", "inc-key", run.id, {}, set(), dynamic_key=str(i))
        task.name, task.state = f"inc-{i}", Completed()
        task.state._ts = 1000.0 + i
        store.runs.record_task_run(task)
    query = TaskRunQuery(flow_run_ids=[run.id], limit=100, offset=200)
    assert [t["name"] for t in store.runs.read_task_runs(query)] == [
        f"inc-{i}" for i in range(200, 250)
    ]
    assert store.runs.count_task_runs(TaskRunQuery(flow_run_ids=[run.id])) == 250
    newest = store.runs.read_task_runs(TaskRunQuery(sort="created_desc", limit=1))
    assert newest[0]["name"] == "inc-249"


def test_logs_filter_by_level_and_sort(store):
    run = _flow_run(store, "noisy")
    for i, level in enumerate([logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR]):
        store.runs.record_log(run.id, None, level, "x", f"m{i}", 50.0 + i)
    query = LogQuery(flow_run_ids=[run.id], level_min=logging.WARNING)
    assert [log["message"] for log in store.runs.read_logs(query)] == ["m2", "m3"]
    newest = LogQuery(flow_run_ids=[run.id], sort="timestamp_desc", limit=2)
    assert [log["message"] for log in store.runs.read_logs(newest)] == ["m3", "m2"]


def test_set_state_respects_final_states_unless_forced(store):
    run = _flow_run(store, "stuck", state=Running())
    assert store.runs.set_flow_run_state(run.id, "CANCELLED", "Cancelled", "by hand")
    row = store.runs.read_flow_run(run.id)
    assert row["state_name"] == "Cancelled" and row["end_time"] is not None
    assert not store.runs.set_flow_run_state(run.id, "RUNNING", "Running", None)
    assert store.runs.read_flow_run(run.id)["state_type"] == "CANCELLED"
    assert store.runs.set_flow_run_state(run.id, "SCHEDULED", "AwaitingRetry", None, force=True)
    assert store.runs.read_flow_run(run.id)["state_name"] == "AwaitingRetry"
    assert [s["name"] for s in store.runs.read_states(run.id)][-2:] == [
        "Cancelled",
        "AwaitingRetry",
    ]
    with pytest.raises(ObjectNotFound):
        store.runs.set_task_run_state("no-such-run", "FAILED", "Failed", None)


def test_unfinished_runs_and_crash_marking(store):
    running = _flow_run(store, "running", state=Running())
    pending = _flow_run(store, "pending", state=Pending())
    _flow_run(store, "done")
    store.flush()
    unfinished = {(kind, run_id) for kind, run_id, _ in store.runs.unfinished_runs()}
    assert unfinished == {("flow", running.id), ("flow", pending.id)}
    assert store.runs.mark_crashed([("flow", running.id)], "gone") == 1
    assert store.runs.mark_crashed([("flow", running.id)], "gone") == 0  # already final
    assert store.runs.read_flow_run(running.id)["state_message"] == "gone"


def test_task_run_updates_queued_with_the_insert_leave_the_same_row(store):
    """The writer folds a task run's queued UPDATEs into its queued INSERT; the row and
    the state history must read as if each statement had run in order."""
    run = _flow_run(store, "folded", state=Running())
    folded = TaskRun("load", "load-key", run.id, {}, {"db"})
    folded.name, folded.state = "load-0", Pending()
    store.runs.record_task_run(folded)
    folded.state, folded.run_count, folded.start_ts = Running(), 1, 20.0
    store.runs.record_task_run_state(folded)
    folded.state, folded.end_ts, folded.cache_key = Completed(message="ok"), 21.5, "key-1"
    store.runs.record_task_run_state(folded)
    later = TaskRun("save", "save-key", run.id, {}, set())
    later.name, later.state = "save-0", Running()
    store.runs.record_task_run(later)
    assert store.flush()
    later.state, later.end_ts = Failed(message="late"), 30.0
    store.runs.record_task_run_state(later)  # its INSERT was written in an earlier batch

    row = store.runs.read_task_run(folded.id)
    assert (row["state_type"], row["state_message"], row["run_count"]) == ("COMPLETED", "ok", 1)
    assert (row["start_time"], row["end_time"], row["cache_key"]) == (20.0, 21.5, "key-1")
    assert row["name"] == "load-0" and row["tags"] == ["db"] and row["flow_run_id"] == run.id
    assert [s["name"] for s in store.runs.read_states(folded.id)] == [
        "Pending",
        "Running",
        "Completed",
    ]
    late = store.runs.read_task_run(later.id)
    assert (late["state_name"], late["end_time"]) == ("Failed", 30.0)


def test_delete_a_flow_run_with_its_records_and_list_flows(store):
    kept = _flow_run(store, "kept", flow_name="etl", created=100.0)
    gone = _flow_run(store, "gone", flow_name="etl", created=101.0)
    _flow_run(store, "other", flow_name="report", created=102.0)
    task = TaskRun("load", "load-key", gone.id, {}, set())
    task.name, task.state = "load-0", Completed()
    store.runs.record_task_run(task)
    store.runs.record_log(gone.id, task.id, logging.INFO, "headrace.task_runs", "row", 101.5)
    flows = store.runs.read_flows()
    assert [(f["name"], f["runs"]) for f in flows] == [("report", 1), ("etl", 2)]
    assert store.runs.read_flows(limit=1)[0]["name"] == "report"

    assert store.runs.delete_flow_run(gone.id) is True
    assert store.runs.read_flow_run(gone.id) is None
    assert store.runs.read_task_runs(TaskRunQuery(flow_run_ids=[gone.id])) == []
    assert store.runs.read_logs(LogQuery(flow_run_ids=[gone.id])) == []
    assert store.runs.read_states(task.id) == [] and store.runs.read_states(gone.id) == []
    assert store.runs.read_flow_run(kept.id)["name"] == "kept"
    assert store.runs.delete_flow_run(gone.id) is False
