"""Run history in SQL: flow runs, task runs, state transitions and logs.

Writes are queued on the database's background writer as `(sql, params)` pairs, so a task
call costs a tuple and a queue put; reads flush that queue first.
"""

from __future__ import annotations

import json
import re
import struct
import time
from typing import TYPE_CHECKING, Any

from headrace.exceptions import ObjectNotFound
from headrace.states import TYPE_VALUES
from headrace.store._batches import register_fold
from headrace.store._process import RUN_OWNER
from headrace.store.interface import (
    FINAL_STATE_TYPES,
    FlowRunQuery,
    FlowRunRow,
    LogQuery,
    LogRow,
    StateRow,
    TaskRunQuery,
    TaskRunRow,
)

if TYPE_CHECKING:
    from headrace.run_records import FlowRun, TaskRun
    from headrace.states import State

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
    " state_type, state_name, state_message, run_count, cache_key, created, start_time, process,"
    " end_time, history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_TASK_RUN = (
    "UPDATE task_runs SET state_type = ?, state_name = ?, state_message = ?, run_count = ?,"
    " cache_key = ?, start_time = ?, end_time = ? WHERE id = ?"
)


INSERT_STATE = (
    "INSERT INTO run_states (run_id, type, name, message, timestamp) VALUES (?, ?, ?, ?, ?)"
)

#: (type, name) of the states written as one byte in a history; the byte is the index
_COMMON_STATES = [
    *((kind, kind.title()) for kind in TYPE_VALUES.values()),
    ("COMPLETED", "Cached"),
    ("RUNNING", "Retrying"),
    ("SCHEDULED", "AwaitingRetry"),
    ("FAILED", "TimedOut"),
    ("PENDING", "NotReady"),
]
_STATE_CODES = {pair: code for code, pair in enumerate(_COMMON_STATES)}
_ENTRY = struct.Struct("<Bd")
_PACK_TWO = struct.Struct("<BdBd").pack


def encode_history(states: list[tuple[Any, ...]]) -> bytes:
    """A run's `run_states` rows as the bytes of its `history` column: 9 bytes a state
    (a code for its type and name, its timestamp) when every state has a usual name and
    no message, else JSON (starting with `[`)."""
    codes = _STATE_CODES
    if len(states) == 2:  # the usual run: Running, then its final state
        (_, kind, name, message, ts), (_, kind2, name2, message2, ts2) = states
        code, code2 = codes.get((kind, name)), codes.get((kind2, name2))
        if code is not None and code2 is not None and message is None and message2 is None:
            return _PACK_TWO(code, ts, code2, ts2)
    packed = []
    for _, kind, name, message, timestamp in states:
        code = codes.get((kind, name))
        if code is None or message is not None:
            return json.dumps([state[1:] for state in states]).encode()
        packed.append(_ENTRY.pack(code, timestamp))
    return b"".join(packed)


def decode_history(data: bytes) -> list[StateRow]:
    if data[:1] == b"[":
        entries = json.loads(data)
    else:
        entries = [(*_COMMON_STATES[code], None, ts) for code, ts in _ENTRY.iter_unpack(data)]
    return [
        {"type": kind, "name": name, "message": message, "timestamp": timestamp}
        for kind, name, message, timestamp in entries
    ]


def _merge_task_run(row: tuple[Any, ...], folded: list[tuple[str, tuple[Any, ...]]]) -> Any:
    """A queued task-run INSERT row with the UPDATEs and states of the same run that
    follow it in the batch applied: the last UPDATE's columns, the states as history."""
    states = []
    update = None
    for sql, params in folded:
        if sql == INSERT_STATE:
            states.append(params)
        else:
            update = params
    history = encode_history(states) if states else row[16]
    if update is None:
        return (*row[:16], history)
    state_type, state_name, message, run_count, cache_key, start, end, _ = update
    return (
        *row[:7],
        state_type,
        state_name,
        message,
        run_count,
        cache_key,
        row[12],
        start,
        row[14],
        end,
        history,
    )


register_fold(_INSERT_TASK_RUN, {_UPDATE_TASK_RUN: -1, INSERT_STATE: 0}, _merge_task_run)
_INSERT_LOG = (
    "INSERT INTO logs (flow_run_id, task_run_id, level, logger, message, timestamp)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)

FLOW_RUN_COLUMNS = (
    "f.id, f.name, f.flow_name, f.flow_version, f.parameters, f.tags, f.state_type,"
    " f.state_name, f.state_message, f.run_count, f.created, f.start_time, f.end_time,"
    " f.parent_flow_run_id, f.parent_task_run_id, f.deployment_id, f.process,"
    " d.scheduled_time, d.auto_scheduled, d.worker_id"
)
FLOW_RUN_FROM = " FROM flow_runs f LEFT JOIN deployment_runs d ON d.flow_run_id = f.id"
_TASK_RUN_COLUMNS = (
    "id, flow_run_id, name, task_name, task_key, dynamic_key, tags, state_type, state_name,"
    " state_message, run_count, cache_key, created, start_time, end_time, process"
)
# NULLs sort as "not yet": last going up, first going down, on both databases
_FLOW_EXPECTED = "COALESCE(d.scheduled_time, f.start_time, f.created)"
_FLOW_SORTS = {
    "created_desc": "f.created DESC, f.rowid DESC",
    "created_asc": "f.created, f.rowid",
    "start_time_desc": "COALESCE(f.start_time, 1e300) DESC, f.created DESC",
    "start_time_asc": "COALESCE(f.start_time, 1e300), f.created",
    "expected_start_time_desc": f"{_FLOW_EXPECTED} DESC, f.created DESC",
    "expected_start_time_asc": f"{_FLOW_EXPECTED}, f.created",
    "end_time_desc": "COALESCE(f.end_time, 1e300) DESC, f.created DESC",
    "name_asc": "f.name, f.created",
    "name_desc": "f.name DESC, f.created DESC",
    "id_desc": "f.id DESC",
}
_TASK_EXPECTED = "COALESCE(start_time, created)"
_TASK_SORTS = {
    "created_desc": "created DESC, rowid DESC",
    "created_asc": "created, rowid",
    "start_time_desc": "COALESCE(start_time, 1e300) DESC, created DESC",
    "start_time_asc": "COALESCE(start_time, 1e300), created",
    "expected_start_time_desc": f"{_TASK_EXPECTED} DESC, created DESC",
    "expected_start_time_asc": f"{_TASK_EXPECTED}, created",
    "end_time_desc": "COALESCE(end_time, 1e300) DESC, created DESC",
    "name_asc": "name, created",
    "name_desc": "name DESC, created DESC",
    "id_desc": "id DESC",
}


def _tags_json(tags: set[str] | frozenset[str] | list[str]) -> str:
    return json.dumps(sorted(tags)) if tags else "[]"


def flow_run_row(row: Any) -> FlowRunRow:
    """A selected flow run row as the interface's dict, JSON columns decoded."""
    data = dict(row)
    data["parameters"] = json.loads(data["parameters"] or "{}")
    data["tags"] = json.loads(data["tags"] or "[]")
    if data.get("auto_scheduled") is not None:
        data["auto_scheduled"] = bool(data["auto_scheduled"])
    return data  # type: ignore[return-value]


def task_run_row(row: Any) -> TaskRunRow:
    data = dict(row)
    data["tags"] = json.loads(data["tags"] or "[]")
    return data  # type: ignore[return-value]


def _in(column: str, values: list[Any], where: list[str], params: list[Any]) -> None:
    if not values:
        where.append("1 = 0")  # nothing matches an empty list (PostgreSQL refuses `IN ()`)
    elif None in values:
        others = [value for value in values if value is not None]
        clause = f"{column} IS NULL"
        if others:
            clause = f"({clause} OR {column} IN ({','.join('?' * len(others))}))"
        where.append(clause)
        params.extend(others)
    else:
        where.append(f"{column} IN ({','.join('?' * len(values))})")
        params.extend(values)


def like_escape(text: str) -> str:
    """`text` for a LIKE pattern with `ESCAPE '\\'`: its wildcards match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def text_terms(text: str) -> list[tuple[str, bool]]:
    """A log search as (word or phrase, wanted) pairs: `error -debug "time out" +db`
    wants error, "time out" and db and refuses debug."""
    terms = []
    for match in re.finditer(r'([+-]?)(?:"([^"]*)"|(\S+))', text):
        sign, phrase, word = match.groups()
        term = phrase if phrase is not None else word
        if term:
            terms.append((term, sign != "-"))
    return terms


def _tags(column: str, tags: list[str], where: list[str], params: list[Any], find: str) -> None:
    # tags are stored as a JSON list; a quoted name matches one whole tag, case and all
    # (`find` is instr on SQLite, strpos on PostgreSQL: LIKE differs in case between them)
    for tag in tags:
        where.append(f"{find}({column}, ?) > 0")
        params.append(json.dumps(tag))


def _common(
    prefix: str,
    query: FlowRunQuery | TaskRunQuery,
    where: list[str],
    params: list[Any],
    find: str,
) -> None:
    if query.ids is not None:
        _in(f"{prefix}id", query.ids, where, params)
    if query.names is not None:
        _in(f"{prefix}name", query.names, where, params)
    if query.name_like:
        where.append(f"LOWER({prefix}name) LIKE ? ESCAPE '\\'")
        params.append(f"%{like_escape(query.name_like.lower())}%")
    if query.state_types is not None:
        _in(f"{prefix}state_type", [s.upper() for s in query.state_types], where, params)
    if query.state_names is not None:
        _in(f"{prefix}state_name", query.state_names, where, params)
    for column, values in (
        ("state_type", [s.upper() for s in query.exclude_state_types or ()]),
        ("state_name", query.exclude_state_names or []),
    ):
        if values:
            marks = ",".join("?" * len(values))
            where.append(f"({prefix}{column} IS NULL OR {prefix}{column} NOT IN ({marks}))")
            params.extend(values)
    if query.tags_all:
        _tags(f"{prefix}tags", query.tags_all, where, params, find)
    for column, bound, op in (
        ("created", query.created_after, ">="),
        ("created", query.created_before, "<="),
        ("start_time", query.start_time_after, ">="),
        ("start_time", query.start_time_before, "<="),
    ):
        if bound is not None:
            where.append(f"{prefix}{column} {op} ?")
            params.append(bound)


def _flow_where(query: FlowRunQuery, find: str) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    _common("f.", query, where, params, find)
    if query.id_prefix:
        where.append("f.id LIKE ? ESCAPE '\\'")
        params.append(like_escape(query.id_prefix) + "%")
    if query.flow_names is not None:
        _in("f.flow_name", query.flow_names, where, params)
    if query.flow_name_like:
        where.append("LOWER(f.flow_name) LIKE ? ESCAPE '\\'")
        params.append(f"%{like_escape(query.flow_name_like.lower())}%")
    if query.deployment_ids is not None:
        _in("f.deployment_id", query.deployment_ids, where, params)
    if query.parent_flow_run_ids is not None:
        _in("f.parent_flow_run_id", query.parent_flow_run_ids, where, params)
    if query.work_pool_names is not None:
        marks = ",".join("?" * len(query.work_pool_names))
        where.append(
            f"f.deployment_id IN (SELECT id FROM deployments WHERE work_pool_name IN ({marks}))"
        )
        params.extend(query.work_pool_names)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def _task_where(query: TaskRunQuery, find: str) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    _common("", query, where, params, find)
    if query.flow_run_ids is not None:
        _in("flow_run_id", query.flow_run_ids, where, params)
    if query.task_names is not None:
        _in("task_name", query.task_names, where, params)
    return (" WHERE " + " AND ".join(where) if where else ""), params


class SqlRuns:
    """`RunRepository` over a SQL database.

    A run object may carry `process` (the server passes the client's); otherwise the
    run belongs to this process."""

    def __init__(self, database: Any) -> None:
        self._db = database
        # the writer's own enqueue when there is one: a call less per record on the hot path
        self._enqueue = getattr(database, "writer", database).enqueue
        self._sqlite = database.dialect == "sqlite"
        self._find = "instr" if self._sqlite else "strpos"

    # -- queued writes -------------------------------------------------------------------
    def record_flow_run(self, run: FlowRun) -> None:
        state = run.state
        assert state is not None
        self._enqueue(
            _INSERT_FLOW_RUN,
            (
                run.id,
                run.name,
                run.flow_name,
                run.flow_version,
                json.dumps(run.parameters, default=repr),
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
                getattr(run, "process", RUN_OWNER),
            ),
        )
        self._enqueue(
            INSERT_STATE, (run.id, TYPE_VALUES[state.type], state.name, state.message, state._ts)
        )

    def record_flow_run_state(self, run: FlowRun) -> None:
        state = run.state
        assert state is not None
        self._enqueue(
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
        self._enqueue(
            INSERT_STATE, (run.id, TYPE_VALUES[state.type], state.name, state.message, state._ts)
        )

    def record_task_run(self, run: TaskRun) -> None:
        state = run.state
        assert state is not None
        self._enqueue(
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
                getattr(run, "process", RUN_OWNER),
                run.end_ts,
                None,
            ),
        )
        self._enqueue(
            INSERT_STATE, (run.id, TYPE_VALUES[state.type], state.name, state.message, state._ts)
        )

    def record_task_run_state(self, run: TaskRun) -> None:
        state = run.state
        assert state is not None
        self._enqueue(
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
        self._enqueue(
            INSERT_STATE, (run.id, TYPE_VALUES[state.type], state.name, state.message, state._ts)
        )

    def record_state(self, run_id: str, state: State) -> None:
        self._enqueue(
            INSERT_STATE, (run_id, TYPE_VALUES[state.type], state.name, state.message, state._ts)
        )

    def record_log(
        self,
        flow_run_id: str | None,
        task_run_id: str | None,
        level: int,
        logger: str,
        message: str,
        timestamp: float,
    ) -> None:
        self._enqueue(_INSERT_LOG, (flow_run_id, task_run_id, level, logger, message, timestamp))

    def record_calls(self, records: list[list[Any]]) -> None:
        """Queue a batch of records in the server's ingest format, `[kind, *arguments]`
        (see `headrace.server.routes.ingest`; `state = [type, name, message, timestamp]`),
        checked by the caller: the rows the `record_*` methods write, built without a
        run object per record."""
        enqueue = self._enqueue
        for record in records:
            kind = record[0]
            if kind == "task_run_state":
                _, id_, state, run_count, cache_key, start, end = record
                enqueue(_UPDATE_TASK_RUN, (*state[:3], run_count, cache_key, start, end, id_))
                enqueue(INSERT_STATE, (id_, *state))
            elif kind == "state":
                enqueue(INSERT_STATE, (record[1], *record[2]))
            elif kind == "task_run":
                (_, id_, flow_run_id, name, task_name, task_key, dynamic_key, tags, state,
                 run_count, cache_key, start, end, process) = record  # fmt: skip
                enqueue(
                    _INSERT_TASK_RUN,
                    (id_, flow_run_id, name, task_name, task_key, dynamic_key, _tags_json(tags),
                     *state[:3], run_count, cache_key, state[3], start, process, end, None),
                )  # fmt: skip
                enqueue(INSERT_STATE, (id_, *state))
            elif kind == "log":
                enqueue(_INSERT_LOG, tuple(record[1:]))
            elif kind == "flow_run":
                (_, id_, name, flow_name, version, parameters, tags, state, run_count, start, _,
                 parent_flow, parent_task, deployment, process) = record  # fmt: skip
                enqueue(
                    _INSERT_FLOW_RUN,
                    (id_, name, flow_name, version, json.dumps(parameters, default=repr),
                     _tags_json(tags), *state[:3], run_count, state[3], start, parent_flow,
                     parent_task, deployment, process),
                )  # fmt: skip
                enqueue(INSERT_STATE, (id_, *state))
            elif kind == "flow_run_state":
                _, id_, state, run_count, start, end = record
                enqueue(_UPDATE_FLOW_RUN, (*state[:3], run_count, start, end, id_))
                enqueue(INSERT_STATE, (id_, *state))
            else:
                raise ValueError(f"unknown record kind {kind!r}")

    # -- reads ---------------------------------------------------------------------------
    def _page(self, limit: int | None, offset: int, params: list[Any]) -> str:
        sql = ""
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        elif offset and self._sqlite:
            sql += " LIMIT -1"
        if offset:
            sql += " OFFSET ?"
            params.append(int(offset))
        return sql

    def read_flow_runs(self, query: FlowRunQuery) -> list[FlowRunRow]:
        self._db.flush()
        where, params = _flow_where(query, self._find)
        order = _FLOW_SORTS[query.sort]
        page = self._page(query.limit, query.offset, params)
        if query.offset and "d." not in order and "d." not in where:
            # a deep page: skip the first rows on flow_runs alone (its indexes, no join
            # per skipped row), then read and join only the page's rows
            inner = f"SELECT f.rowid FROM flow_runs f{where} ORDER BY {order}{page}"
            sql = f"SELECT {FLOW_RUN_COLUMNS}{FLOW_RUN_FROM} WHERE f.rowid IN ({inner})"
            sql += f" ORDER BY {order}"
        else:
            sql = f"SELECT {FLOW_RUN_COLUMNS}{FLOW_RUN_FROM}{where} ORDER BY {order}{page}"
        return [flow_run_row(row) for row in self._db.query(sql, params)]

    def count_flow_runs(self, query: FlowRunQuery) -> int:
        self._db.flush()
        where, params = _flow_where(query, self._find)
        rows = self._db.query(f"SELECT COUNT(*) AS n FROM flow_runs f{where}", params)
        return int(rows[0]["n"])

    def count_flow_runs_by_state(self, query: FlowRunQuery) -> dict[str, int]:
        self._db.flush()
        where, params = _flow_where(query, self._find)
        rows = self._db.query(
            f"SELECT f.state_type AS state_type, COUNT(*) AS n FROM flow_runs f{where}"
            " GROUP BY f.state_type",
            params,
        )
        return {row["state_type"]: int(row["n"]) for row in rows if row["state_type"]}

    def read_flow_run(self, run_id: str) -> FlowRunRow | None:
        self._db.flush()
        rows = self._db.query(f"SELECT {FLOW_RUN_COLUMNS}{FLOW_RUN_FROM} WHERE f.id = ?", (run_id,))
        if not rows and run_id and len(run_id) < 36:
            rows = self.read_flow_runs(FlowRunQuery(id_prefix=run_id, limit=2))
            return rows[0] if len(rows) == 1 else None
        return flow_run_row(rows[0]) if rows else None

    def read_task_runs(self, query: TaskRunQuery) -> list[TaskRunRow]:
        self._db.flush()
        where, params = _task_where(query, self._find)
        sql = f"SELECT {_TASK_RUN_COLUMNS} FROM task_runs{where} ORDER BY {_TASK_SORTS[query.sort]}"
        sql += self._page(query.limit, query.offset, params)
        return [task_run_row(row) for row in self._db.query(sql, params)]

    def count_task_runs(self, query: TaskRunQuery) -> int:
        self._db.flush()
        where, params = _task_where(query, self._find)
        return int(self._db.query(f"SELECT COUNT(*) AS n FROM task_runs{where}", params)[0]["n"])

    def read_task_run(self, run_id: str) -> TaskRunRow | None:
        rows = self.read_task_runs(TaskRunQuery(ids=[run_id], limit=1))
        return rows[0] if rows else None

    def read_states(self, run_id: str) -> list[StateRow]:
        """A run's state history: the states written in its task-run row (see `_batches`)
        and the rows of `run_states`, oldest first."""
        self._db.flush()
        rows = self._db.query(
            "SELECT type, name, message, timestamp FROM run_states WHERE run_id = ?"
            " ORDER BY timestamp, rowid",
            (run_id,),
        )
        states = [dict(row) for row in rows]
        inline = self._db.query("SELECT history FROM task_runs WHERE id = ?", (run_id,))
        if inline and inline[0]["history"]:
            folded = decode_history(bytes(inline[0]["history"]))
            states = sorted(folded + states, key=lambda state: state["timestamp"])
        return states  # type: ignore[return-value]

    def read_logs(self, query: LogQuery) -> list[LogRow]:
        self._db.flush()
        where: list[str] = []
        params: list[Any] = []
        if query.flow_run_ids is not None:
            _in("flow_run_id", query.flow_run_ids, where, params)
        if query.task_run_ids is not None:
            _in("task_run_id", query.task_run_ids, where, params)
        if query.loggers is not None:
            _in("logger", query.loggers, where, params)
        for clause, value in (
            ("level >= ?", query.level_min),
            ("level <= ?", query.level_max),
            ("timestamp >= ?", query.after),
            ("timestamp <= ?", query.before),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        for word, wanted in text_terms(query.text or ""):
            where.append(f"LOWER(message) {'' if wanted else 'NOT '}LIKE ? ESCAPE '\\'")
            params.append(f"%{like_escape(word.lower())}%")
        order = "DESC" if query.sort == "timestamp_desc" else ""
        sql = (
            "SELECT rowid AS id, flow_run_id, task_run_id, level, logger, message, timestamp"
            " FROM logs"
            + (" WHERE " + " AND ".join(where) if where else "")
            + f" ORDER BY timestamp {order}, rowid {order}"
        )
        sql += self._page(query.limit, query.offset, params)
        return [dict(row) for row in self._db.query(sql, params)]  # type: ignore[misc]

    # -- synchronous state changes -------------------------------------------------------
    def _set_state(
        self,
        table: str,
        run_id: str,
        state_type: str,
        state_name: str,
        message: str | None,
        force: bool,
    ) -> bool:
        self._db.flush()
        now = time.time()
        final = state_type in FINAL_STATE_TYPES
        sql = (
            f"UPDATE {table} SET state_type = ?, state_name = ?, state_message = ?"
            + (", end_time = ?" if final else "")
            + " WHERE id = ?"
        )
        params: list[Any] = [state_type, state_name, message]
        if final:
            params.append(now)
        params.append(run_id)
        if not force:
            sql += f" AND (state_type IS NULL OR state_type NOT IN {FINAL_STATE_TYPES})"
        with self._db.transaction() as tx:
            changed = tx.execute(sql, params)
            if changed:
                tx.execute(INSERT_STATE, (run_id, state_type, state_name, message, now))
            elif not tx.query(f"SELECT 1 AS x FROM {table} WHERE id = ?", (run_id,)):
                kind = "flow" if table == "flow_runs" else "task"
                raise ObjectNotFound(f"{kind} run {run_id!r} not found")
        return bool(changed)

    def set_flow_run_state(
        self,
        run_id: str,
        state_type: str,
        state_name: str,
        message: str | None,
        force: bool = False,
    ) -> bool:
        return self._set_state("flow_runs", run_id, state_type, state_name, message, force)

    def set_task_run_state(
        self,
        run_id: str,
        state_type: str,
        state_name: str,
        message: str | None,
        force: bool = False,
    ) -> bool:
        return self._set_state("task_runs", run_id, state_type, state_name, message, force)

    def delete_flow_run(self, run_id: str) -> bool:
        self._db.flush()
        tasks = "SELECT id FROM task_runs WHERE flow_run_id = ?"
        with self._db.transaction() as tx:
            tx.execute(
                f"DELETE FROM logs WHERE flow_run_id = ? OR task_run_id IN ({tasks})",
                (run_id, run_id),
            )
            tx.execute(
                f"DELETE FROM run_states WHERE run_id = ? OR run_id IN ({tasks})", (run_id, run_id)
            )
            tx.execute("DELETE FROM task_runs WHERE flow_run_id = ?", (run_id,))
            tx.execute("DELETE FROM deployment_runs WHERE flow_run_id = ?", (run_id,))
            return bool(tx.execute("DELETE FROM flow_runs WHERE id = ?", (run_id,)))

    def read_flows(self, limit: int | None = None) -> list[dict[str, Any]]:
        self._db.flush()
        params: list[Any] = []
        sql = (
            "SELECT flow_name AS name, COUNT(*) AS runs, MIN(created) AS first_run,"
            " MAX(created) AS last_run FROM flow_runs GROUP BY flow_name"
            " ORDER BY MAX(created) DESC"
        ) + self._page(limit, 0, params)
        return [dict(row) for row in self._db.query(sql, params)]

    def unfinished_runs(self) -> list[tuple[str, str, str | None]]:
        found: list[tuple[str, str, str | None]] = []
        for kind, table in (("flow", "flow_runs"), ("task", "task_runs")):
            rows = self._db.query(
                f"SELECT id, process FROM {table} WHERE state_type IN ('RUNNING', 'PENDING')"
                " AND state_name != 'NotReady'"
            )
            found.extend((kind, row["id"], row["process"]) for row in rows)
        return found

    def mark_crashed(self, runs: list[tuple[str, str]], message: str) -> int:
        if not runs:
            return 0
        now = time.time()
        changed = 0
        with self._db.transaction() as tx:
            for kind, run_id in runs:
                table = "flow_runs" if kind == "flow" else "task_runs"
                if tx.execute(
                    f"UPDATE {table} SET state_type = 'CRASHED', state_name = 'Crashed',"
                    " state_message = ?, end_time = ? WHERE id = ?"
                    " AND state_type IN ('RUNNING', 'PENDING')",
                    (message, now, run_id),
                ):
                    changed += 1
                    tx.execute(INSERT_STATE, (run_id, "CRASHED", "Crashed", message, now))
        return changed
