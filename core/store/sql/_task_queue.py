"""Background task runs in SQL (`TaskQueueRepository`): the queue task workers claim from.

A claim is a conditional UPDATE (`status = 'scheduled'`), so two workers never take the
same run; a worker holds what it took under a lease it renews. A lease that expires (the
worker died or hung) puts the run back while it has attempts left, else marks it Crashed,
so every queued run ends once: completed by one worker, or crashed.
"""

from __future__ import annotations

import json
import time
from typing import Any

from headrace.store.interface import QueuedTaskRow, TaskOutcomeRow
from headrace.store.sql._runs import INSERT_STATE
from headrace.store.sql.schema import register_schema

_V1 = """
CREATE TABLE task_queue (
    task_run_id TEXT PRIMARY KEY,
    task_key TEXT NOT NULL,
    task_name TEXT NOT NULL,
    payload BLOB NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 1,
    worker TEXT,
    lease_expires REAL,
    state_name TEXT,
    message TEXT,
    outcome BLOB,
    created REAL NOT NULL,
    finished REAL
);
CREATE INDEX task_queue_waiting ON task_queue (status, task_key, created)
"""

register_schema("task_queue", [_V1])

LOST_MESSAGE = "The task worker running this run stopped renewing its lease"


class SqlTaskQueue:
    """`TaskQueueRepository` over a SQL database."""

    def __init__(self, database: Any) -> None:
        self._db = database

    def enqueue(
        self,
        task_run_id: str,
        task_key: str,
        task_name: str,
        run_name: str,
        tags: list[str],
        payload: bytes,
        max_attempts: int,
    ) -> None:
        now = time.time()
        with self._db.transaction() as tx:
            tx.execute(
                "INSERT INTO task_runs (id, flow_run_id, name, task_name, task_key, dynamic_key,"
                " tags, state_type, state_name, run_count, created)"
                " VALUES (?, NULL, ?, ?, ?, ?, ?, 'SCHEDULED', 'Scheduled', 0, ?)",
                (task_run_id, run_name, task_name, task_key, task_run_id, json.dumps(tags), now),
            )
            tx.execute(INSERT_STATE, (task_run_id, "SCHEDULED", "Scheduled", None, now))
            tx.execute(
                "INSERT INTO task_queue (task_run_id, task_key, task_name, payload, status,"
                " max_attempts, created) VALUES (?, ?, ?, ?, 'scheduled', ?, ?)",
                (task_run_id, task_key, task_name, payload, max(1, int(max_attempts)), now),
            )

    def claim(
        self, task_keys: list[str], worker: str, process: str, lease_seconds: float, limit: int
    ) -> list[QueuedTaskRow]:
        if not task_keys or limit <= 0:
            return []
        now = time.time()
        marks = ",".join("?" * len(task_keys))
        # idle workers poll: look without the write lock first, take it only for work
        if not self._db.query(
            f"SELECT 1 AS x FROM task_queue WHERE (status = 'scheduled' AND task_key IN ({marks}))"
            " OR (status = 'running' AND lease_expires < ?) LIMIT 1",
            (*task_keys, now),
        ):
            return []
        claimed: list[str] = []
        with self._db.transaction() as tx:
            self._reap(tx, now)
            rows = tx.query(
                "SELECT task_run_id FROM task_queue WHERE status = 'scheduled'"
                f" AND task_key IN ({marks}) ORDER BY created LIMIT ?"
                + self._db.for_update_skip_locked,
                (*task_keys, int(limit)),
            )
            for row in rows:
                run_id = row["task_run_id"]
                if tx.execute(
                    "UPDATE task_queue SET status = 'running', attempts = attempts + 1,"
                    " worker = ?, lease_expires = ? WHERE task_run_id = ? AND status = 'scheduled'",
                    (worker, now + lease_seconds, run_id),
                ):
                    # the worker's process owns the task run now (crash detection looks here)
                    tx.execute("UPDATE task_runs SET process = ? WHERE id = ?", (process, run_id))
                    claimed.append(run_id)
        if not claimed:
            return []
        rows = self._db.query(
            "SELECT task_run_id, task_key, task_name, payload, attempts FROM task_queue"
            f" WHERE task_run_id IN ({','.join('?' * len(claimed))}) ORDER BY created",
            claimed,
        )
        return [
            {
                "task_run_id": row["task_run_id"],
                "task_key": row["task_key"],
                "task_name": row["task_name"],
                "payload": bytes(row["payload"]),
                "attempts": row["attempts"],
            }
            for row in rows
        ]

    def renew(self, task_run_ids: list[str], worker: str, lease_seconds: float) -> list[str]:
        lost = []
        expires = time.time() + lease_seconds
        with self._db.transaction() as tx:
            for run_id in task_run_ids:
                if not tx.execute(
                    "UPDATE task_queue SET lease_expires = ?"
                    " WHERE task_run_id = ? AND worker = ? AND status = 'running'",
                    (expires, run_id, worker),
                ):
                    lost.append(run_id)
        return lost

    def complete(
        self,
        task_run_id: str,
        worker: str,
        status: str,
        state_name: str,
        message: str | None,
        outcome: bytes,
    ) -> bool:
        return (
            self._db.execute(
                "UPDATE task_queue SET status = ?, state_name = ?, message = ?, outcome = ?,"
                " finished = ?, lease_expires = NULL"
                " WHERE task_run_id = ? AND worker = ? AND status = 'running'",
                (status, state_name, message, outcome, time.time(), task_run_id, worker),
            )
            > 0
        )

    def reap(self) -> int:
        now = time.time()
        if not self._db.query(
            "SELECT 1 AS x FROM task_queue WHERE status = 'running' AND lease_expires < ? LIMIT 1",
            (now,),
        ):
            return 0  # the common case, without taking the write lock
        with self._db.transaction() as tx:
            return self._reap(tx, now)

    def _reap(self, tx: Any, now: float) -> int:
        expired = tx.query(
            "SELECT task_run_id, attempts, max_attempts FROM task_queue"
            " WHERE status = 'running' AND lease_expires < ?" + self._db.for_update_skip_locked,
            (now,),
        )
        changed = 0
        for row in expired:
            run_id = row["task_run_id"]
            if row["attempts"] < row["max_attempts"]:
                message = f"{LOST_MESSAGE}; it goes back to the queue."
                done = tx.execute(
                    "UPDATE task_queue SET status = 'scheduled', worker = NULL,"
                    " lease_expires = NULL WHERE task_run_id = ? AND status = 'running'",
                    (run_id,),
                )
                state = ("SCHEDULED", "AwaitingRetry")
            else:
                message = f"{LOST_MESSAGE} and it has no attempts left."
                done = tx.execute(
                    "UPDATE task_queue SET status = 'crashed', state_name = 'Crashed',"
                    " message = ?, finished = ?, lease_expires = NULL"
                    " WHERE task_run_id = ? AND status = 'running'",
                    (message, now, run_id),
                )
                state = ("CRASHED", "Crashed")
            if not done:
                continue
            changed += 1
            tx.execute(
                "UPDATE task_runs SET state_type = ?, state_name = ?, state_message = ?"
                + (", end_time = ?" if state[0] == "CRASHED" else "")
                + " WHERE id = ?",
                (*state, message, *((now,) if state[0] == "CRASHED" else ()), run_id),
            )
            tx.execute(INSERT_STATE, (run_id, *state, message, now))
        return changed

    def read_call(self, task_run_id: str) -> bytes | None:
        rows = self._db.query(
            "SELECT payload FROM task_queue WHERE task_run_id = ?", (task_run_id,)
        )
        return bytes(rows[0]["payload"]) if rows else None

    def read_outcome(self, task_run_id: str) -> TaskOutcomeRow | None:
        rows = self._db.query(
            "SELECT task_run_id, status, state_name, message, outcome FROM task_queue"
            " WHERE task_run_id = ?",
            (task_run_id,),
        )
        if not rows:
            return None
        row = rows[0]
        outcome = row["outcome"]
        return {
            "task_run_id": row["task_run_id"],
            "status": row["status"],
            "state_name": row["state_name"],
            "message": row["message"],
            "outcome": None if outcome is None else bytes(outcome),
        }
