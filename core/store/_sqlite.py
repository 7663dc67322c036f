"""SQLite implementation of the store (WAL mode, file created 0600, versioned schemas)."""

from __future__ import annotations

import atexit
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from headrace.settings import get_settings
from headrace.store._writer import BatchWriter

Migration = str | Callable[[sqlite3.Connection], None]

# component name -> (migrations, on_open callbacks); filled by subsystems at import time
_SCHEMAS: dict[str, list[Migration]] = {}
_ON_OPEN: dict[str, Callable[[Store], None]] = {}


def register_schema(
    component: str,
    migrations: Sequence[Migration],
    on_open: Callable[[Store], None] | None = None,
) -> None:
    """Declare a component's tables as an append-only list of migrations.

    Migration N runs once per database, in order; never edit a released migration,
    append a new one. `on_open` runs each time a process opens the store (after the
    migrations), e.g. to mark runs of dead processes Crashed.
    """
    _SCHEMAS[component] = list(migrations)
    if on_open is not None:
        _ON_OPEN[component] = on_open


def registered_schema_count() -> int:
    """How many components have registered tables (a template database made with fewer
    is out of date)."""
    return len(_SCHEMAS)


class Store:
    """A SQLite database file: thread-local connections plus one batching writer."""

    def __init__(self, database: str | os.PathLike[str]) -> None:
        self.database = str(database)
        self._memory = self.database == ":memory:"
        if self._memory:
            # a named shared-cache memory database, so every thread sees the same data
            self._uri = f"file:headrace-{id(self)}?mode=memory&cache=shared"
        else:
            path = Path(self.database)
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            self._uri = path.resolve().as_uri()
        self._local = threading.local()
        self._keepalive = self._new_connection() if self._memory else None
        self._migrated: set[str] = set()
        self._schema_count = 0
        self._migrate_lock = threading.Lock()
        self.writer = BatchWriter(self._new_connection)
        self._ensure_schemas()

    # -- connections -------------------------------------------------------------------
    def _new_connection(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self._uri, uri=True, timeout=30, check_same_thread=False, isolation_level=None
        )
        connection.row_factory = sqlite3.Row
        if not self._memory:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        return connection

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (autocommit; use `transaction()` to group writes)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._new_connection()
        return connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate (write-locking) transaction: committed on success, rolled back on error."""
        connection = self.connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return self.connection().execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection().execute(sql, params).rowcount

    # -- background writes -------------------------------------------------------------
    def enqueue(self, sql: str, params: tuple[Any, ...]) -> None:
        """Queue a write for the background writer (never blocks on SQLite)."""
        self.writer.enqueue(sql, params)

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Wait until every queued write is committed."""
        return self.writer.flush(timeout)

    def close(self) -> None:
        self.writer.close()
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
        if self._keepalive is not None:
            self._keepalive.close()
            self._keepalive = None

    # -- schema ------------------------------------------------------------------------
    def _ensure_schemas(self) -> None:
        with self._migrate_lock:
            pending = [name for name in _SCHEMAS if name not in self._migrated]
            if not pending:
                return
            connection = self.connection()
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_versions"
                " (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
            for name in pending:
                self._migrate(connection, name, _SCHEMAS[name])
                self._migrated.add(name)
            self._schema_count = len(self._migrated)
            for name in pending:
                if name in _ON_OPEN:
                    _ON_OPEN[name](self)

    @staticmethod
    def _migrate(connection: sqlite3.Connection, name: str, migrations: list[Migration]) -> None:
        connection.execute("BEGIN IMMEDIATE")
        try:
            row = connection.execute(
                "SELECT version FROM schema_versions WHERE component = ?", (name,)
            ).fetchone()
            current = row[0] if row else 0
            if current > len(migrations):
                raise RuntimeError(
                    f"the store's {name!r} schema is version {current}, newer than this "
                    f"headrace knows ({len(migrations)}); upgrade headrace"
                )
            for migration in migrations[current:]:
                if callable(migration):
                    migration(connection)
                else:
                    for statement in migration.split(";"):
                        if statement.strip():
                            connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_versions (component, version) VALUES (?, ?)"
                " ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                (name, len(migrations)),
            )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def ensure_schemas(self) -> None:
        """Apply schemas registered after this store was opened (lazy subsystems)."""
        self._ensure_schemas()


_store: Store | None = None
_store_lock = threading.Lock()


def get_store() -> Store:
    """The process's store, opened on first use from the settings then in force.

    The open store is reused without looking at the environment again (this is on
    the hot path); `reset_store()` (called by `temporary_settings` and the test
    harness) makes the next call open the store for the current settings.
    """
    store = _store
    if store is None:
        return _open_store()
    if store._schema_count != len(_SCHEMAS):
        store.ensure_schemas()
    return store


def _open_store() -> Store:
    global _store
    with _store_lock:
        if _store is None:
            _store = Store(get_settings().database)
        return _store


def set_store(store: Store | None) -> Store | None:
    """Install a store (or None) as the process's store; returns the previous one."""
    global _store
    with _store_lock:
        previous, _store = _store, store
    return previous


def reset_store() -> None:
    """Close and forget the process's store."""
    previous = set_store(None)
    if previous is not None:
        previous.close()


@atexit.register
def _flush_at_exit() -> None:
    if _store is not None:
        _store.flush(timeout=10)
