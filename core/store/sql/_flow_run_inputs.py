"""Flow run inputs and pauses in SQL (`FlowRunInputRepository`).

A pause is a row per (flow run, pause key): "paused" until `resume` or `expire_pause`
moves it on, each a conditional UPDATE, so a resume racing a timeout has one winner.
Pausing and resuming also change the flow run's state, in the same transaction.
"""

from __future__ import annotations

import json
import time
from typing import Any

from headrace.exceptions import (
    FlowPauseTimeout,
    NotPausedError,
    ObjectAlreadyExists,
    ObjectNotFound,
)
from headrace.store._process import process_alive
from headrace.store.interface import FINAL_STATE_TYPES, FlowRunInputRow, PauseRow
from headrace.store.sql._runs import INSERT_STATE
from headrace.store.sql.schema import register_schema

_V1 = """
CREATE TABLE flow_run_inputs (
    flow_run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    sender TEXT,
    created REAL NOT NULL,
    PRIMARY KEY (flow_run_id, key)
);
CREATE TABLE flow_run_pauses (
    flow_run_id TEXT NOT NULL,
    pause_key TEXT NOT NULL,
    status TEXT NOT NULL,
    reschedule INTEGER NOT NULL,
    timeout_at REAL,
    keyset TEXT,
    created REAL NOT NULL,
    PRIMARY KEY (flow_run_id, pause_key)
)
"""

ABANDONED_MESSAGE = "The process waiting in this paused run ended before it was resumed."


def crash_abandoned_pauses(store: Any) -> int:
    """Runs paused in a process of this machine that no longer exists become Crashed (a
    suspended run has no process to wait for: it stays resumable)."""
    db = store.database
    rows = db.query(
        "SELECT p.flow_run_id, p.pause_key, f.process FROM flow_run_pauses p"
        " JOIN flow_runs f ON f.id = p.flow_run_id"
        " WHERE p.status = 'paused' AND p.reschedule = 0 AND f.state_type = 'PAUSED'"
    )
    crashed = 0
    now = time.time()
    for row in rows:
        if process_alive(row["process"]):
            continue
        with db.transaction() as tx:
            if not tx.execute(
                "UPDATE flow_run_pauses SET status = 'expired'"
                " WHERE flow_run_id = ? AND pause_key = ? AND status = 'paused'",
                (row["flow_run_id"], row["pause_key"]),
            ):
                continue
            tx.execute(
                "UPDATE flow_runs SET state_type = 'CRASHED', state_name = 'Crashed',"
                " state_message = ?, end_time = ? WHERE id = ? AND state_type = 'PAUSED'",
                (ABANDONED_MESSAGE, now, row["flow_run_id"]),
            )
            tx.execute(
                INSERT_STATE, (row["flow_run_id"], "CRASHED", "Crashed", ABANDONED_MESSAGE, now)
            )
            crashed += 1
    return crashed


register_schema("flow_run_inputs", [_V1], on_open=crash_abandoned_pauses)

_PAUSE_COLUMNS = "flow_run_id, pause_key, status, reschedule, timeout_at, keyset, created"


def _input(row: Any) -> FlowRunInputRow:
    return {
        "flow_run_id": row["flow_run_id"],
        "key": row["key"],
        "value": row["value"],
        "sender": row["sender"],
        "created": row["created"],
    }


def _pause(row: Any) -> PauseRow:
    return {
        "flow_run_id": row["flow_run_id"],
        "pause_key": row["pause_key"],
        "status": row["status"],
        "reschedule": bool(row["reschedule"]),
        "timeout_at": row["timeout_at"],
        "keyset": json.loads(row["keyset"]) if row["keyset"] else None,
        "created": row["created"],
    }


def _validate(run_input: dict[str, Any], schema_json: str) -> None:
    """ValueError naming what does not fit the pause's input schema."""
    import jsonschema  # deferred: only resuming a run that waits for input needs it

    try:
        schema = json.loads(schema_json)
    except ValueError:
        raise ValueError("Run input schema is not valid JSON.") from None
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(run_input)
    )
    if error is not None:
        where = ".".join(str(part) for part in error.absolute_path)
        raise ValueError(f"Invalid run input{f' at {where!r}' if where else ''}: {error.message}")


class SqlFlowRunInputs:
    """`FlowRunInputRepository` over a SQL database."""

    def __init__(self, database: Any) -> None:
        self._db = database

    # -- inputs ----------------------------------------------------------------------------
    def create_input(self, flow_run_id: str, key: str, value: str, sender: str | None) -> None:
        json.loads(value)  # only JSON is stored: a bad value fails here, not when read
        inserted = self._db.execute(
            "INSERT INTO flow_run_inputs (flow_run_id, key, value, sender, created)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (flow_run_id, key) DO NOTHING",
            (flow_run_id, key, value, sender, time.time()),
        )
        if not inserted:
            raise ObjectAlreadyExists(f"flow run {flow_run_id} already has an input {key!r}")

    def read_input(self, flow_run_id: str, key: str) -> FlowRunInputRow | None:
        rows = self._db.query(
            "SELECT flow_run_id, key, value, sender, created FROM flow_run_inputs"
            " WHERE flow_run_id = ? AND key = ?",
            (flow_run_id, key),
        )
        return _input(rows[0]) if rows else None

    def filter_inputs(
        self, flow_run_id: str, key_prefix: str, limit: int, exclude_keys: list[str]
    ) -> list[FlowRunInputRow]:
        escaped = key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        sql = (
            "SELECT flow_run_id, key, value, sender, created FROM flow_run_inputs"
            " WHERE flow_run_id = ? AND key LIKE ? ESCAPE '\\'"
        )
        params: list[Any] = [flow_run_id, escaped + "%"]
        if exclude_keys:
            sql += f" AND key NOT IN ({','.join('?' * len(exclude_keys))})"
            params += list(exclude_keys)
        sql += " ORDER BY created, key LIMIT ?"
        params.append(int(limit))
        return [_input(row) for row in self._db.query(sql, params)]

    def delete_input(self, flow_run_id: str, key: str) -> bool:
        return (
            self._db.execute(
                "DELETE FROM flow_run_inputs WHERE flow_run_id = ? AND key = ?", (flow_run_id, key)
            )
            > 0
        )

    # -- pauses ----------------------------------------------------------------------------
    def pause(
        self,
        flow_run_id: str,
        pause_key: str,
        reschedule: bool,
        timeout_seconds: float | None,
        keyset: dict[str, str] | None,
    ) -> str:
        self._db.flush()  # the run's own queued records first
        now = time.time()
        name = "Suspended" if reschedule else "Paused"
        with self._db.transaction() as tx:
            runs = tx.query(
                "SELECT state_type, deployment_id FROM flow_runs WHERE id = ?"
                + self._db.for_update,
                (flow_run_id,),
            )
            if not runs:
                raise ObjectNotFound(f"flow run {flow_run_id!r} not found")
            earlier = tx.query(
                "SELECT status FROM flow_run_pauses WHERE flow_run_id = ? AND pause_key = ?",
                (flow_run_id, pause_key),
            )
            if earlier and earlier[0]["status"] == "resumed":
                return "resumed"
            if runs[0]["state_type"] in FINAL_STATE_TYPES:
                raise ValueError(f"the flow run is {runs[0]['state_type']}; it cannot pause")
            if reschedule and runs[0]["deployment_id"] is None:
                raise ValueError(
                    "Cannot reschedule a paused flow run without a deployment: a suspended run "
                    "is re-run by its deployment's worker when resumed"
                )
            timeout_at = None if timeout_seconds is None else now + float(timeout_seconds)
            tx.execute(
                "DELETE FROM flow_run_pauses WHERE flow_run_id = ? AND pause_key = ?",
                (flow_run_id, pause_key),
            )
            tx.execute(
                f"INSERT INTO flow_run_pauses ({_PAUSE_COLUMNS})"
                " VALUES (?, ?, 'paused', ?, ?, ?, ?)",
                (
                    flow_run_id,
                    pause_key,
                    int(reschedule),
                    timeout_at,
                    json.dumps(keyset) if keyset else None,
                    now,
                ),
            )
            tx.execute(
                "UPDATE flow_runs SET state_type = 'PAUSED', state_name = ?, state_message = NULL"
                " WHERE id = ?",
                (name, flow_run_id),
            )
            tx.execute(INSERT_STATE, (flow_run_id, "PAUSED", name, None, now))
        return "paused"

    def read_pause(self, flow_run_id: str, pause_key: str) -> PauseRow | None:
        rows = self._db.query(
            f"SELECT {_PAUSE_COLUMNS} FROM flow_run_pauses WHERE flow_run_id = ? AND pause_key = ?",
            (flow_run_id, pause_key),
        )
        return _pause(rows[0]) if rows else None

    def expire_pause(self, flow_run_id: str, pause_key: str) -> bool:
        return (
            self._db.execute(
                "UPDATE flow_run_pauses SET status = 'expired'"
                " WHERE flow_run_id = ? AND pause_key = ? AND status = 'paused'",
                (flow_run_id, pause_key),
            )
            > 0
        )

    def resume(self, flow_run_id: str, run_input: dict[str, Any] | None) -> PauseRow:
        self._db.flush()
        now = time.time()
        timed_out = False
        with self._db.transaction() as tx:
            runs = tx.query(
                "SELECT state_type FROM flow_runs WHERE id = ?" + self._db.for_update,
                (flow_run_id,),
            )
            if not runs:
                raise ObjectNotFound(f"flow run {flow_run_id!r} not found")
            rows = tx.query(
                f"SELECT {_PAUSE_COLUMNS} FROM flow_run_pauses"
                " WHERE flow_run_id = ? AND status = 'paused' ORDER BY created DESC LIMIT 1",
                (flow_run_id,),
            )
            if runs[0]["state_type"] != "PAUSED" or not rows:
                raise NotPausedError("Cannot resume a run that isn't paused!")
            pause = _pause(rows[0])
            if pause["timeout_at"] is not None and pause["timeout_at"] <= now:
                tx.execute(
                    "UPDATE flow_run_pauses SET status = 'expired'"
                    " WHERE flow_run_id = ? AND pause_key = ?",
                    (flow_run_id, pause["pause_key"]),
                )
                timed_out = True
            else:
                self._resume(tx, pause, run_input, now)
        if timed_out:
            raise FlowPauseTimeout("Flow run can no longer be resumed.")
        pause["status"] = "resumed"
        return pause

    def _resume(
        self, tx: Any, pause: PauseRow, run_input: dict[str, Any] | None, now: float
    ) -> None:
        flow_run_id = pause["flow_run_id"]
        keyset = pause["keyset"]
        if keyset:
            run_input = run_input or {}
            schema = tx.query(
                "SELECT value FROM flow_run_inputs WHERE flow_run_id = ? AND key = ?",
                (flow_run_id, keyset["schema"]),
            )
            if not schema:
                raise ValueError("Run input schema not found.")
            _validate(run_input, schema[0]["value"])
            tx.execute(
                "INSERT INTO flow_run_inputs (flow_run_id, key, value, sender, created)"
                " VALUES (?, ?, ?, NULL, ?) ON CONFLICT (flow_run_id, key)"
                " DO UPDATE SET value = excluded.value, created = excluded.created",
                (flow_run_id, keyset["response"], json.dumps(run_input), now),
            )
        tx.execute(
            "UPDATE flow_run_pauses SET status = 'resumed' WHERE flow_run_id = ? AND pause_key = ?",
            (flow_run_id, pause["pause_key"]),
        )
        if pause["reschedule"]:
            # due now for the deployment's workers; a requested run, so schedule changes keep it
            tx.execute(
                "UPDATE deployment_runs SET scheduled_time = ?, auto_scheduled = 0,"
                " worker_id = NULL, claimed = NULL WHERE flow_run_id = ?",
                (now, flow_run_id),
            )
            state_type, state_name = "SCHEDULED", "Resuming"
        else:
            state_type, state_name = "RUNNING", "Running"
        tx.execute(
            "UPDATE flow_runs SET state_type = ?, state_name = ?, state_message = NULL"
            " WHERE id = ?",
            (state_type, state_name, flow_run_id),
        )
        tx.execute(INSERT_STATE, (flow_run_id, state_type, state_name, None, now))
