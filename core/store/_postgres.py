"""The PostgreSQL database under the SQL store (psycopg 3), for teams and servers.

The SQL store writes its statements once, in the subset SQLite and PostgreSQL share;
`translate` adapts the rest: `?` placeholders become `%s` (a literal `%` is doubled),
and migrations get DOUBLE PRECISION for REAL, BYTEA for BLOB and an explicit `rowid`
insertion-order column (SQLite tables have one implicitly; reads order by it).
Transactions that must exclude each other lock rows (`FOR UPDATE`, and `FOR UPDATE SKIP
LOCKED` for claiming runs) instead of SQLite's database-wide write lock.
"""

from __future__ import annotations

import functools
import queue
import re
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

try:
    import psycopg
    from psycopg.rows import dict_row
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "HEADRACE_DATABASE_URL names a PostgreSQL database, which needs psycopg: "
        "pip install 'headrace[postgres]'"
    ) from exc

from headrace.store._batches import STOP, QueuedWriter, group_writes

_BATCH_LIMIT = 20000
_LINGER_SECONDS = 0.05
#: after a failed batch, how long the writer waits before trying again
_RETRY_SECONDS = 1.0
#: the migration lock: one process migrates at a time (pg_advisory_xact_lock key)
_MIGRATION_LOCK = 0x6865616472616365  # "headrace"


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """A statement written for both databases, with PostgreSQL's placeholders."""
    return sql.replace("%", "%%").replace("?", "%s")


_CREATE_TABLE = re.compile(r"^(\s*CREATE TABLE\s+(?:IF NOT EXISTS\s+)?\w+\s*\()", re.I)
_REAL = re.compile(r"\bREAL\b")
_BLOB = re.compile(r"\bBLOB\b")


def masked(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresTransaction:
    """The statements of one transaction (SQL with `?` placeholders)."""

    __slots__ = ("connection",)

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.connection.execute(translate(sql), params or None).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection.execute(translate(sql), params or None).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(translate(sql), rows)


class PostgresDatabase:
    """A PostgreSQL database: thread-local connections plus one batching writer thread."""

    dialect = "postgresql"
    for_update = " FOR UPDATE"
    for_update_skip_locked = " FOR UPDATE SKIP LOCKED"
    errors: tuple[type[BaseException], ...] = (psycopg.Error,)

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.location = masked(self.url)
        self._local = threading.local()
        self._connections: list[psycopg.Connection[Any]] = []
        self._connections_lock = threading.Lock()
        try:
            self.connection()
        except psycopg.OperationalError as exc:
            raise ConnectionError(
                f"cannot connect to the PostgreSQL store {self.location}: "
                f"{str(exc).strip().splitlines()[-1]}"
            ) from None
        self.writer = PostgresWriter(self._new_connection, self.location)

    # -- connections -------------------------------------------------------------------
    def _new_connection(self) -> psycopg.Connection[Any]:
        connection = psycopg.connect(
            self.url, autocommit=True, row_factory=dict_row, connect_timeout=10
        )
        with self._connections_lock:
            self._connections.append(connection)
        return connection

    def connection(self) -> psycopg.Connection[Any]:
        """This thread's connection (autocommit; use `transaction()` to group writes); a
        connection the server dropped (a restart) is replaced."""
        connection = getattr(self._local, "connection", None)
        if connection is None or connection.closed or connection.broken:
            connection = self._local.connection = self._new_connection()
        return connection

    @contextmanager
    def transaction(self) -> Iterator[PostgresTransaction]:
        """A transaction: committed on success, rolled back on error."""
        connection = self.connection()
        with connection.transaction():
            yield PostgresTransaction(connection)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Rows of a read; a read on a connection the server dropped is retried once on a
        new one (a write is not: it may have been applied before the drop)."""
        connection = self.connection()
        try:
            return connection.execute(translate(sql), params or None).fetchall()
        except psycopg.OperationalError:
            if not connection.broken:
                raise
        return self.connection().execute(translate(sql), params or None).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.connection().execute(translate(sql), params or None).rowcount

    def lock_migrations(self, tx: PostgresTransaction) -> None:
        """Two processes opening a fresh database must not both create its tables."""
        tx.query("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))

    def ddl(self, statement: str) -> str:
        """A migration statement in PostgreSQL's words (see the module docstring)."""
        statement = _REAL.sub("DOUBLE PRECISION", _BLOB.sub("BYTEA", statement))
        return _CREATE_TABLE.sub(r"\1 rowid BIGSERIAL,", statement, count=1)

    # -- background writes -------------------------------------------------------------
    def enqueue(self, sql: str, params: tuple[Any, ...]) -> None:
        """Queue a write for the background writer (never blocks on the database)."""
        self.writer.enqueue(sql, params)

    def flush(self, timeout: float | None = 30.0) -> bool:
        return self.writer.flush(timeout)

    def close(self) -> None:
        self.writer.close()
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()


class PostgresWriter(QueuedWriter):
    """Writes queued `(sql, params)` in batches, one transaction and one `executemany`
    per statement each. A batch the database refuses is kept and retried, and the
    failure is said on stderr and by `flush()` returning False; nothing is dropped."""

    def __init__(self, connect: Any, location: str) -> None:
        super().__init__()
        self._connect = connect
        self._location = location
        self._held: list[tuple[str, tuple[Any, ...]]] = []
        self.error: BaseException | None = None

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Wait until everything queued before this call is committed; False if that
        took longer than `timeout` or records could not be written (yet)."""
        return self._drained(timeout) and not self._held

    def _run(self) -> None:
        connection = None
        try:
            while True:
                item = self._queue.get()
                if not isinstance(item, threading.Event) and item is not STOP:
                    self._wake.wait(_LINGER_SECONDS)
                self._wake.clear()
                waiters: list[threading.Event] = []
                stop = False
                while True:
                    if item is STOP:
                        stop = True
                    elif isinstance(item, threading.Event):
                        waiters.append(item)
                    else:
                        self._held.append(item)
                    if len(self._held) >= _BATCH_LIMIT:
                        break
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                if self._held:
                    connection = self._write(connection)
                for waiter in waiters:
                    waiter.set()
                if stop:
                    if self._held:
                        print(
                            f"headrace: {len(self._held)} run records could not be written to "
                            f"{self._location}: {self.error}",
                            file=sys.stderr,
                        )
                    return
        finally:
            if connection is not None:
                connection.close()

    def _write(self, connection: Any) -> Any:
        ordered = group_writes(self._held)
        try:
            if connection is None or connection.closed:
                connection = self._connect()
            with connection.transaction(), connection.cursor() as cursor:
                for sql, rows in ordered:
                    cursor.executemany(translate(sql), rows)
        except psycopg.Error as exc:
            if self.error is None:
                print(
                    f"headrace: cannot write run records to {self._location} ({exc}); "
                    f"keeping {len(self._held)} in memory and retrying",
                    file=sys.stderr,
                )
            self.error = exc
            if connection is not None and connection.broken:
                connection = None
            time.sleep(_RETRY_SECONDS)
            return connection
        if self.error is not None:
            print(
                f"headrace: {self._location} takes writes again; nothing is lost", file=sys.stderr
            )
        self.error = None
        self._held = []
        return connection
