"""The SQL store: one implementation of the store interface for SQLite and PostgreSQL.

The repositories here write SQL once; the database object (`SqliteDatabase` or
`PostgresDatabase`) supplies connections, transactions, the background writer and the
few dialect differences. Tables come from versioned migrations per component
(`register_schema`), applied when a store is opened.
"""

from __future__ import annotations

import threading
from typing import Any

from headrace.store import _faults
from headrace.store._process import process_alive
from headrace.store.sql import schema as _schema
from headrace.store.sql._artifacts import SqlArtifacts
from headrace.store.sql._blocks import SqlBlocks
from headrace.store.sql._concurrency import SqlConcurrency
from headrace.store.sql._deployments import SqlDeployments
from headrace.store.sql._events import SqlAutomations, SqlEvents
from headrace.store.sql._flow_run_inputs import SqlFlowRunInputs
from headrace.store.sql._runs import SqlRuns
from headrace.store.sql._task_queue import SqlTaskQueue
from headrace.store.sql._variables import SqlVariables
from headrace.store.sql.schema import (
    on_store_open,
    register_schema,
    registered_schema_count,
)


class SqlStore:
    """A `headrace.store.interface.Store` over a SQLite or PostgreSQL database."""

    def __init__(self, database: Any) -> None:
        self.database = database
        self.location: str = database.location
        self.runs = SqlRuns(database)
        self.blocks = SqlBlocks(database)
        self.variables = SqlVariables(database)
        self.concurrency = SqlConcurrency(database)
        self.deployments = SqlDeployments(database)
        self.events = SqlEvents(database)
        self.automations = SqlAutomations(database)
        self.flow_run_inputs = SqlFlowRunInputs(database)
        self.task_queue = SqlTaskQueue(database)
        self.artifacts = SqlArtifacts(database)
        self._migrated: set[str] = set()
        self._migrate_lock = threading.Lock()
        self.schema_count = 0
        try:
            self.ensure_schemas()
        except Exception as exc:
            _faults.raise_open_error(self.location, exc)

    def ensure_schemas(self) -> None:
        """Apply schemas registered since this store was opened, then their on-open hooks.

        On the first open, whatever the process imported: first the run records other
        processes spooled are written, then runs of dead processes are marked Crashed.
        """
        with self._migrate_lock:
            names = _schema.pending(self._migrated)
            if not names:
                return
            opening = not self._migrated
            _schema.migrate(self.database, names)
            self._migrated.update(names)
            self.schema_count = len(self._migrated)
        if opening:
            recover = getattr(self.database, "recover_writes", None)
            if recover is not None:
                recover()
        for callback in _schema.on_open_callbacks(names):
            try:
                callback(self)
            except self.database.errors as exc:
                if not _faults.is_transient(exc):
                    raise
                # another process holds the write lock: the next open does this instead
                _faults.say(f"{self.location} is locked; skipped {callback.__qualname__}")

    def write_problem(self) -> str | None:
        """What keeps queued run records out of the database (None: nothing)."""
        return _faults.write_problem(self.database)

    def flush(self, timeout: float | None = 30.0) -> bool:
        return self.database.flush(timeout)

    def close(self) -> None:
        self.database.close()

    def __repr__(self) -> str:
        return f"SqlStore({self.location!r})"


CRASHED_MESSAGE = "The process running this run ended before the run finished."


def mark_crashed_runs(store: SqlStore) -> int:
    """Runs left unfinished by a process of this machine that no longer exists become
    Crashed (runs of other machines' processes are left to them)."""
    dead = [
        (kind, run_id)
        for kind, run_id, process in store.runs.unfinished_runs()
        if not process_alive(process)
    ]
    return store.runs.mark_crashed(dead, CRASHED_MESSAGE) if dead else 0


on_store_open("runs", mark_crashed_runs)


__all__ = [
    "CRASHED_MESSAGE",
    "SqlStore",
    "mark_crashed_runs",
    "on_store_open",
    "register_schema",
    "registered_schema_count",
]
