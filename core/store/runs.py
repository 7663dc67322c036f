"""Run history tables: flow runs, task runs, state transitions and logs.

Writes go through the background writer (`Store.enqueue`); reads are plain queries.
When a process opens the store, runs left Running or Pending by processes that no
longer exist are marked Crashed.
"""

from __future__ import annotations

import json
import os
import time
from typing import TYPE_CHECKING, Any

from headrace.states import TYPE_VALUES
from headrace.store._sqlite import Store, get_store, register_schema

if TYPE_CHECKING:
    from headrace.run_records import FlowRun, TaskRun
    from headrace.states import State

_SCHEMA_V1 = """
CREATE TABLE flow_runs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    flow_name TEXT NOT NULL,
    flow_version TEXT,
    parameters TEXT,
    tags TEXT,
    state_type TEXT,
    state_name TEXT,
    state_message TEXT,
    run_count INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    start_time REAL,
    end_time REAL,
    parent_flow_run_id TEXT,
    parent_task_run_id TEXT,
    deployment_id TEXT,
    process TEXT
);
CREATE INDEX flow_runs_created ON flow_runs (created);
CREATE INDEX flow_runs_state ON flow_runs (state_type);
CREATE TABLE task_runs (
    id TEXT PRIMARY KEY,
    flow_run_id TEXT,
    name TEXT NOT NULL,
    task_name TEXT NOT NULL,
    task_key TEXT NOT NULL,
    dynamic_key TEXT,
    tags TEXT,
    state_type TEXT,
    state_name TEXT,
    state_message TEXT,
    run_count INTEGER NOT NULL DEFAULT 0,
    cache_key TEXT,
    created REAL NOT NULL,
    start_time REAL,
    end_time REAL,
    process TEXT
);
CREATE INDEX task_runs_flow_run ON task_runs (flow_run_id);
CREATE INDEX task_runs_state ON task_runs (state_type);
CREATE TABLE run_states (
    run_id TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    message TEXT,
    timestamp REAL NOT NULL
);
CREATE INDEX run_states_run ON run_states (run_id);
CREATE TABLE logs (
    flow_run_id TEXT,
    task_run_id TEXT,
    level INTEGER NOT NULL,
    logger TEXT NOT NULL,
    message TEXT NOT NULL,
    timestamp REAL NOT NULL
);
CREATE INDEX logs_flow_run ON logs (flow_run_id);
"""

_INSERT_FLOW_RUN = (
    "INSERT INTO flow_runs (id, name, flow_name, flow_version, parameters, tags, state_type,"
    " state_name, state_message, run_count, created, start_time, parent_flow_run_id,"
    " parent_task_run_id, deployment_id, process)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(id) DO UPDATE SET state_type = excluded.state_type,"
    " state_name = excluded.state_name, state_message = excluded.state_message,"
    " start_time = excluded.start_time, process = excluded.process"
)
_UPDATE_FLOW_RUN = (
    "UPDATE flow_runs SET state_type = ?, state_name = ?, state_message = ?, run_count = ?,"
    " start_time = ?, end_time = ? WHERE id = ?"
)
_INSERT_TASK_RUN = (
    "INSERT INTO task_runs (id, flow_run_id, name, task_name, task_key, dynamic_key, tags,"
    " state_type, state_name, state_message, run_count, cache_key, created, start_time, process)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_TASK_RUN = (
    "UPDATE task_runs SET state_type = ?, state_name = ?, state_message = ?, run_count = ?,"
    " cache_key = ?, start_time = ?, end_time = ? WHERE id = ?"
)
_INSERT_STATE = (
    "INSERT INTO run_states (run_id, type, name, message, timestamp) VALUES (?, ?, ?, ?, ?)"
)
_INSERT_LOG = (
    "INSERT INTO logs (flow_run_id, task_run_id, level, logger, message, timestamp)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


def _process_start_ticks(pid: int) -> str | None:
    """The kernel's start time of a process, to tell a live pid from a reused one."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return fields[19].decode()
    except (OSError, IndexError):
        return None


def _process_alive(process: str | None) -> bool:
    if not process:
        return False
    pid_text, _, ticks = process.partition(":")
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if ticks and ticks != "?":
        return _process_start_ticks(pid) == ticks
    return True


PROCESS_KEY = f"{os.getpid()}:{_process_start_ticks(os.getpid()) or '?'}"


def _mark_crashed_runs(store: Store) -> None:
    """Runs left unfinished by a process that no longer exists become Crashed."""
    now = time.time()
    for table in ("flow_runs", "task_runs"):
        rows = store.query(
            f"SELECT id, process FROM {table} WHERE state_type IN ('RUNNING', 'PENDING')"
            " AND state_name != 'NotReady'"
        )
        dead = [row["id"] for row in rows if not _process_alive(row["process"])]
        if not dead:
            continue
        message = "The process running this run ended before the run finished."
        with store.transaction() as connection:
            for run_id in dead:
                connection.execute(
                    f"UPDATE {table} SET state_type = 'CRASHED', state_name = 'Crashed',"
                    " state_message = ?, end_time = ? WHERE id = ?",
                    (message, now, run_id),
                )
                connection.execute(_INSERT_STATE, (run_id, "CRASHED", "Crashed", message, now))


register_schema("runs", [_SCHEMA_V1], on_open=_mark_crashed_runs)


def _tags_json(tags: set[str] | frozenset[str]) -> str:
    return json.dumps(sorted(tags)) if tags else "[]"


def _parameters_json(parameters: dict[str, Any]) -> str:
    return json.dumps(parameters, default=repr)


# -- writes (through the background writer) -----------------------------------------------
def record_flow_run(store: Store, run: FlowRun) -> None:
    state = run.state
    assert state is not None
    store.enqueue(
        _INSERT_FLOW_RUN,
        (
            run.id,
            run.name,
            run.flow_name,
            run.flow_version,
            _parameters_json(run.parameters),
            _tags_json(run.tags),
            TYPE_VALUES[state.type],
            state.name,
            state.message,
            run.run_count,
            state._ts,
            run.start_ts,
            run.parent_flow_run_id,
            run.parent_task_run_id,
            run.deployment_id,
            PROCESS_KEY,
        ),
    )
    record_state_only(store, run.id, state)


def record_flow_run_state(store: Store, run: FlowRun) -> None:
    state = run.state
    assert state is not None
    store.enqueue(
        _UPDATE_FLOW_RUN,
        (
            TYPE_VALUES[state.type],
            state.name,
            state.message,
            run.run_count,
            run.start_ts,
            run.end_ts,
            run.id,
        ),
    )
    record_state_only(store, run.id, state)


def record_task_run(store: Store, run: TaskRun) -> None:
    state = run.state
    assert state is not None
    store.enqueue(
        _INSERT_TASK_RUN,
        (
            run.id,
            run.flow_run_id,
            run.name,
            run.task_name,
            run.task_key,
            run.dynamic_key,
            _tags_json(run.tags),
            TYPE_VALUES[state.type],
            state.name,
            state.message,
            run.run_count,
            run.cache_key,
            state._ts,
            run.start_ts,
            PROCESS_KEY,
        ),
    )
    record_state_only(store, run.id, state)


def record_task_run_state(store: Store, run: TaskRun) -> None:
    state = run.state
    assert state is not None
    store.enqueue(
        _UPDATE_TASK_RUN,
        (
            TYPE_VALUES[state.type],
            state.name,
            state.message,
            run.run_count,
            run.cache_key,
            run.start_ts,
            run.end_ts,
            run.id,
        ),
    )
    record_state_only(store, run.id, state)


def record_state_only(store: Store, run_id: str, state: State) -> None:
    """An intermediate transition (e.g. Retrying) that does not change the run row yet."""
    store.enqueue(
        _INSERT_STATE, (run_id, TYPE_VALUES[state.type], state.name, state.message, state._ts)
    )


def record_log(
    store: Store,
    flow_run_id: str | None,
    task_run_id: str | None,
    level: int,
    logger: str,
    message: str,
    timestamp: float,
) -> None:
    store.enqueue(_INSERT_LOG, (flow_run_id, task_run_id, level, logger, message, timestamp))


# -- reads ---------------------------------------------------------------------------------
def list_flow_runs(
    limit: int = 20, flow_name: str | None = None, store: Store | None = None
) -> list[dict[str, Any]]:
    """Most recent flow runs first."""
    store = store or get_store()
    store.flush()
    sql = "SELECT * FROM flow_runs"
    params: list[Any] = []
    if flow_name is not None:
        sql += " WHERE flow_name = ?"
        params.append(flow_name)
    sql += " ORDER BY created DESC, rowid DESC LIMIT ?"
    params.append(limit)
    return [flow_run_row(row) for row in store.query(sql, params)]


def get_flow_run(run_id: str, store: Store | None = None) -> dict[str, Any] | None:
    """One flow run by id or unique id prefix."""
    store = store or get_store()
    store.flush()
    rows = store.query("SELECT * FROM flow_runs WHERE id LIKE ? LIMIT 2", (f"{run_id}%",))
    return flow_run_row(rows[0]) if len(rows) == 1 else None


def list_task_runs(
    flow_run_id: str | None = None, store: Store | None = None
) -> list[dict[str, Any]]:
    """Task runs of a flow run (all task runs without an id), in creation order."""
    store = store or get_store()
    store.flush()
    if flow_run_id is None:
        rows = store.query("SELECT * FROM task_runs ORDER BY created, rowid")
    else:
        rows = store.query(
            "SELECT * FROM task_runs WHERE flow_run_id = ? ORDER BY created, rowid",
            (flow_run_id,),
        )
    return [task_run_row(row) for row in rows]


def list_states(run_id: str, store: Store | None = None) -> list[dict[str, Any]]:
    store = store or get_store()
    store.flush()
    rows = store.query(
        "SELECT type, name, message, timestamp FROM run_states WHERE run_id = ?"
        " ORDER BY timestamp, rowid",
        (run_id,),
    )
    return [dict(row) for row in rows]


def list_logs(flow_run_id: str, store: Store | None = None) -> list[dict[str, Any]]:
    store = store or get_store()
    store.flush()
    rows = store.query(
        "SELECT * FROM logs WHERE flow_run_id = ? ORDER BY timestamp, rowid", (flow_run_id,)
    )
    return [dict(row) for row in rows]


def flow_run_row(row: Any) -> dict[str, Any]:
    """A `flow_runs` row as a dict, JSON columns decoded."""
    data = dict(row)
    data["parameters"] = json.loads(data["parameters"] or "{}")
    data["tags"] = json.loads(data["tags"] or "[]")
    return data


def task_run_row(row: Any) -> dict[str, Any]:
    """A `task_runs` row as a dict, JSON columns decoded."""
    data = dict(row)
    data["tags"] = json.loads(data["tags"] or "[]")
    return data
