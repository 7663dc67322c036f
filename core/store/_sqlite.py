"""The SQLite database under the SQL store: one file (WAL mode, created 0600) or memory."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from headrace.store import _faults
from headrace.store._writer import BatchWriter, replay_waiting_spools
from headrace.store.sql.schema import POSTGRESQL_ONLY


class SqliteTransaction:
    """The statements of one transaction (SQL with `?` placeholders)."""

    __slots__ = ("connection",)

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.connection.execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection.execute(sql, params).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.connection.executemany(sql, rows)


class SqliteDatabase:
    """A SQLite database: thread-local connections plus one batching writer.

    SQL is written once for SQLite and PostgreSQL (`?` placeholders, `ON CONFLICT`
    upserts); the few places that differ read the dialect attributes below.
    """

    dialect = "sqlite"
    #: appended to a SELECT that must lock its rows (SQLite's write lock already does)
    for_update = ""
    for_update_skip_locked = ""
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

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
        self.location = self.database
        self._local = threading.local()
        self._keepalive = self._new_connection() if self._memory else None
        self.writer = BatchWriter(self._new_connection, "" if self._memory else self.database)

    # -- connections -------------------------------------------------------------------
    def _new_connection(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self._uri,
            uri=True,
            timeout=_faults.lock_timeout(),
            check_same_thread=False,
            isolation_level=None,
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
    def transaction(self) -> Iterator[SqliteTransaction]:
        """An immediate (write-locking) transaction: committed on success, rolled back on
        error. The write lock makes it the cross-process mutex for claims and slots."""
        connection = self.connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield SqliteTransaction(connection)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.connection().execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection().execute(sql, params).rowcount

    def lock_migrations(self, tx: SqliteTransaction) -> None:
        """Serialize migrating processes (the immediate transaction already does)."""

    def ddl(self, statement: str) -> str:
        """A migration statement as this database needs it: unchanged, or nothing for
        one marked `POSTGRESQL_ONLY`."""
        return "" if POSTGRESQL_ONLY in statement else statement

    # -- background writes -------------------------------------------------------------
    def enqueue(self, sql: str, params: tuple[Any, ...]) -> None:
        """Queue a write for the background writer (never blocks on SQLite)."""
        self.writer.enqueue(sql, params)

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Wait until every queued write is committed."""
        return self.writer.flush(timeout)

    def write_problem(self) -> str | None:
        """What keeps queued run records out of the file (None: nothing)."""
        return self.writer.problem()

    def recover_writes(self) -> None:
        """Write the run records earlier processes spooled (see `_writer`)."""
        if not self._memory:
            replay_waiting_spools(self.connection(), self.database)

    def close(self) -> None:
        self.writer.close()
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
        if self._keepalive is not None:
            self._keepalive.close()
            self._keepalive = None
