"""How the writer turns queued writes into statements: a task run's UPDATEs fold into its
queued INSERT, but never when a replayed batch is written row by row."""

from __future__ import annotations

from headrace.run_records import TaskRun
from headrace.states import Completed, Running
from headrace.store._batches import group_writes
from headrace.store.sql import SqlRuns
from headrace.store.sql._runs import decode_history, encode_history


class _Queue:
    dialect = "sqlite"

    def __init__(self) -> None:
        self.writes: list[tuple[str, tuple]] = []

    def enqueue(self, sql: str, params: tuple) -> None:
        self.writes.append((sql, params))


def _queued_task_run() -> list[tuple[str, tuple]]:
    queue = _Queue()
    runs = SqlRuns(queue)
    task = TaskRun("load", "load-key", "flow-1", {}, set())
    task.name, task.state = "load-0", Running()
    runs.record_task_run(task)
    task.state, task.run_count, task.end_ts = Completed(), 1, 5.0
    runs.record_task_run_state(task)
    return queue.writes


def test_an_update_and_states_queued_after_their_insert_are_folded_into_the_insert_row():
    statements = dict(group_writes(_queued_task_run()))
    assert list(statements) == [next(iter(statements))]  # one statement: the INSERT
    ((task_row,),) = [rows for sql, rows in statements.items() if "INTO task_runs" in sql]
    assert task_row[7:11] == ("COMPLETED", "Completed", None, 1) and task_row[15] == 5.0
    history = decode_history(task_row[16])
    assert [(state["type"], state["name"]) for state in history] == [
        ("RUNNING", "Running"),
        ("COMPLETED", "Completed"),
    ]


def test_a_history_with_messages_or_unusual_names_is_kept_whole():
    states = [
        ("run", "RUNNING", "Running", None, 1.5),
        ("run", "FAILED", "Failed", "boom: ünïcode", 2.25),
        ("run", "COMPLETED", "Custom", None, 3.0),
    ]
    assert decode_history(encode_history(states)) == [
        {"type": kind, "name": name, "message": message, "timestamp": ts}
        for _, kind, name, message, ts in states
    ]
    assert len(encode_history(states[:1])) == 9


def test_states_queued_in_a_later_batch_than_the_insert_go_to_run_states():
    writes = _queued_task_run()
    first, later = writes[:2], writes[2:]
    assert "INTO task_runs" in group_writes(first)[0][0]
    statements = dict(group_writes(later))
    (states,) = [rows for sql, rows in statements.items() if "INTO run_states" in sql]
    assert [state[1] for state in states] == ["COMPLETED"]


def test_rows_written_one_by_one_are_not_folded():
    statements = dict(group_writes(_queued_task_run(), fold=False))
    ((update,),) = [rows for sql, rows in statements.items() if sql.startswith("UPDATE")]
    assert update[0] == "COMPLETED"
    assert list(statements)[-1].startswith("UPDATE")  # after the INSERTs
