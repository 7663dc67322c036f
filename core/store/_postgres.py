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
import hashlib
import os
import queue
import re
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
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

from headrace.store import _faults, _spool
from headrace.store._batches import STOP, QueuedWriter, group_writes

_BATCH_LIMIT = 20000
_LINGER_SECONDS = 0.05
#: after a failed batch, how long new batches go to the recovery file before a retry
_RETRY_SECONDS = 1.0

Write = tuple[str, tuple[Any, ...]]
#: the migration lock: one process migrates at a time (pg_advisory_xact_lock key)
_MIGRATION_LOCK = 0x6865616472616365  # "headrace"


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """A statement written for both databases, with PostgreSQL's placeholders."""
    return sql.replace("%", "%%").replace("?", "%s")


_CREATE_TABLE = re.compile(r"^(\s*CREATE TABLE\s+(?:IF NOT EXISTS\s+)?\w+\s*\()", re.I)
_REAL = re.compile(r"\bREAL\b")
_BLOB = re.compile(r"\bBLOB\b")


POOL_SIZE_ENV = "HEADRACE_DATABASE_POOL_SIZE"


def pool_size() -> int:
    """How many connections a process's store opens at most for reads and transactions."""
    raw = os.environ.get(POOL_SIZE_ENV, "10")
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if size < 1:
        raise ValueError(f"${POOL_SIZE_ENV} must be a whole number of connections, not {raw!r}")
    return size


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
    """A PostgreSQL database: a bounded pool of connections plus one batching writer.

    At most `HEADRACE_DATABASE_POOL_SIZE` connections (default 10) serve reads and
    transactions at once, however many threads ask (a server has dozens); a thread
    waits for a free one. Idle connections are kept for the next caller; one the server
    dropped (a restart) is replaced.
    """

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
        self._idle: queue.LifoQueue[psycopg.Connection[Any]] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(pool_size())
        try:
            with self.connection():
                pass
        except psycopg.OperationalError as exc:
            raise ConnectionError(
                f"cannot connect to the PostgreSQL store {self.location}: "
                f"{str(exc).strip().splitlines()[-1]}"
            ) from None
        self._spool_base = spool_base(self.location)
        self.writer = PostgresWriter(self._new_connection, self.location, self._spool_base)

    # -- connections -------------------------------------------------------------------
    def _new_connection(self) -> psycopg.Connection[Any]:
        connection = psycopg.connect(
            self.url, autocommit=True, row_factory=dict_row, connect_timeout=10
        )
        with self._connections_lock:
            self._connections.append(connection)
        return connection

    def _discard(self, connection: psycopg.Connection[Any]) -> None:
        with self._connections_lock:
            if connection in self._connections:
                self._connections.remove(connection)
        connection.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection for the block (autocommit; `transaction()` groups writes);
        inside a block of this thread, the same connection again."""
        held = getattr(self._local, "connection", None)
        if held is not None:
            yield held
            return
        self._slots.acquire()
        connection = None
        try:
            try:
                connection = self._idle.get_nowait()
            except queue.Empty:
                pass
            if connection is None or connection.closed or connection.broken:
                connection = self._new_connection()
            self._local.connection = connection
            try:
                yield connection
            finally:
                self._local.connection = None
        finally:
            if connection is not None:
                idle = psycopg.pq.TransactionStatus.IDLE
                if (
                    connection.closed
                    or connection.broken
                    or connection.info.transaction_status != idle
                ):
                    self._discard(connection)
                else:
                    self._idle.put(connection)
            self._slots.release()

    @contextmanager
    def transaction(self) -> Iterator[PostgresTransaction]:
        """A transaction: committed on success, rolled back on error."""
        with self.connection() as connection, connection.transaction():
            yield PostgresTransaction(connection)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Rows of a read; a read on a connection the server dropped is retried once on a
        new one (a write is not: it may have been applied before the drop; nor is a read
        inside a transaction)."""
        nested = getattr(self._local, "connection", None) is not None
        with self.connection() as connection:
            try:
                return connection.execute(translate(sql), params or None).fetchall()
            except psycopg.OperationalError:
                if nested or not connection.broken:
                    raise
        with self.connection() as connection:
            return connection.execute(translate(sql), params or None).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.connection() as connection:
            return connection.execute(translate(sql), params or None).rowcount

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

    def write_problem(self) -> str | None:
        """What keeps queued run records out of the database (None: nothing)."""
        return self.writer.problem()

    def recover_writes(self) -> None:
        """Write the run records earlier processes of this machine spooled."""
        with self.connection() as connection:
            replay_waiting_spools(connection, self._spool_base)

    def close(self) -> None:
        self.writer.close()
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._local = threading.local()
        self._idle = queue.LifoQueue()


class PostgresWriter(QueuedWriter):
    """Writes queued `(sql, params)` in batches, one transaction and one `executemany`
    per statement each. A batch the database refuses (it is down, unreachable, full) is
    appended to a recovery file under `$HEADRACE_HOME/spool/` (see `_spool`), and so is
    every batch after it until the database takes writes again (tried every second);
    then the file is written back, in order, and removed. A process that ends before
    that leaves the file for the next process that opens this database. The failure is
    said on stderr, by `flush()` returning False and by `problem()`; nothing is dropped.
    """

    def __init__(self, connect: Any, location: str, spool_base: str | None = None) -> None:
        super().__init__()
        self._connect = connect
        self._location = location
        self._spool_base = spool_base
        self.spool_path: Path | None = None
        self._spooled_rows = 0
        #: batches neither written nor spooled (no recovery file, or it failed)
        self._pending: list[tuple[str, list[Write]]] = []
        self._retry_at = 0.0
        self.error: BaseException | None = None

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Wait until everything queued before this call is committed; False if that
        took longer than `timeout` or records could not be written (yet)."""
        return self._drained(timeout) and self.unwritten() == 0

    def unwritten(self) -> int:
        return self._spooled_rows + sum(len(writes) for _, writes in self._pending)

    def problem(self) -> str | None:
        """What is wrong, for a person: None while every record is in the database."""
        if not self.unwritten():
            return None
        error = _faults.describe(self.error) if self.error else "unknown error"
        where = (
            f"kept in {self.spool_path} until it takes writes again"
            if self._spooled_rows
            else "kept in memory only"
        )
        return (
            f"{self.unwritten()} run record(s) could not be written to {self._location} "
            f"({error}); {where}"
        )

    def _run(self) -> None:
        connection = None
        try:
            while True:
                item = self._queue.get()
                if not isinstance(item, threading.Event) and item is not STOP:
                    self._wake.wait(_LINGER_SECONDS)
                self._wake.clear()
                batch: list[Write] = []
                waiters: list[threading.Event] = []
                stop = False
                while True:
                    if item is STOP:
                        stop = True
                    elif isinstance(item, threading.Event):
                        waiters.append(item)
                    else:
                        batch.append(item)
                    if len(batch) >= _BATCH_LIMIT:
                        break
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                if batch or self.unwritten():
                    connection = self._write(connection, batch)
                for waiter in waiters:
                    waiter.set()
                if stop:
                    if self.unwritten():
                        _faults.say(self.problem() or "")
                    return
        finally:
            _live_spools.discard(self.spool_path)  # type: ignore[arg-type]
            if connection is not None:
                connection.close()

    def _write(self, connection: Any, batch: list[Write]) -> Any:
        pending = [*self._pending, (uuid.uuid4().hex, batch)] if batch else self._pending
        self._pending = []
        if self.error is None or time.monotonic() >= self._retry_at:
            try:
                if connection is None or connection.closed:
                    connection = self._connect()
                if self._spooled_rows:
                    assert self.spool_path is not None
                    replay_spool(connection, self.spool_path)
                    self.spool_path.unlink(missing_ok=True)
                    self._spooled_rows = 0
                while pending:
                    apply_batch(connection, pending[0][1])
                    pending.pop(0)
            except psycopg.Error as exc:
                self._failed(exc)
                if connection is not None and (connection.broken or connection.closed):
                    connection = None
            else:
                if self.error is not None:
                    _faults.say(f"{self._location} takes writes again; nothing is lost")
                self.error = None
                return connection
        self._spool(pending)
        return connection

    def _failed(self, exc: BaseException) -> None:
        first = self.error is None
        self.error = exc
        self._retry_at = time.monotonic() + _RETRY_SECONDS
        if first:
            spool = self._spool_file()
            where = f"saving them to {spool}" if spool is not None else "keeping them in memory"
            _faults.say(
                f"cannot write run records to {self._location} "
                f"({_faults.describe(exc)}); {where} and retrying"
            )

    def _spool_file(self) -> Path | None:
        if self.spool_path is None and self._spool_base is not None:
            from headrace.store._process import PROCESS_KEY

            self.spool_path = _spool.spool_path(self._spool_base, PROCESS_KEY, id(self))
            _live_spools.add(self.spool_path)
        return self.spool_path

    def _spool(self, pending: list[tuple[str, list[Write]]]) -> None:
        if not pending:
            return
        spool = self._spool_file()
        if spool is not None:
            try:
                spool.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                _spool.append(spool, pending)
            except OSError as exc:
                _faults.say(f"cannot write the recovery file {spool} ({_faults.describe(exc)})")
            else:
                self._spooled_rows += sum(len(writes) for _, writes in pending)
                return
        self._pending = pending
        time.sleep(_RETRY_SECONDS)  # nothing to do until the next try


#: spool files a writer of this process may still append to (never replayed by others)
_live_spools: set[Path] = set()


def apply_batch(connection: Any, writes: list[Write], batch_id: str | None = None) -> bool:
    """Write a batch in one transaction; False if `batch_id` was written before."""
    with connection.transaction(), connection.cursor() as cursor:
        if batch_id is not None:
            cursor.execute(
                "INSERT INTO store_spool_batches (id, written) VALUES (%s, %s)"
                " ON CONFLICT (id) DO NOTHING",
                (batch_id, time.time()),
            )
            if cursor.rowcount == 0:
                return False
        for sql, rows in group_writes(writes, fold=batch_id is None):
            cursor.executemany(translate(sql), rows)
    return True


def replay_spool(connection: Any, path: Path) -> None:
    """Write a recovery file's batches not written yet, each once; a row the database
    refuses (a constraint) is left out, the rest of its batch is written."""
    for batch_id, writes in _spool.read(path):
        try:
            apply_batch(connection, writes, batch_id)
        except psycopg.IntegrityError:
            with connection.transaction(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO store_spool_batches (id, written) VALUES (%s, %s)"
                    " ON CONFLICT (id) DO NOTHING",
                    (batch_id, time.time()),
                )
                if cursor.rowcount == 0:
                    continue
                for sql, params in writes:
                    try:
                        with connection.transaction():
                            cursor.execute(translate(sql), params)
                    except psycopg.IntegrityError:
                        _faults.say(f"left out a run record the database refused: {sql[:40]}")


def spool_base(location: str) -> str:
    """Where the recovery files of a PostgreSQL database live on this machine."""
    from headrace.settings import get_settings

    digest = hashlib.sha256(location.encode()).hexdigest()[:16]
    return str(get_settings().home / "spool" / f"postgresql-{digest}")


def replay_waiting_spools(connection: Any, base: str) -> None:
    """When a store opens: write the records that processes now gone (or closed stores
    of this process) could not."""
    from headrace.store._process import PROCESS_KEY, process_alive

    for path in _spool.spool_files(base):
        owner = _spool.owner_key(path)
        if path in _live_spools or (owner != PROCESS_KEY and process_alive(owner)):
            continue
        try:
            replay_spool(connection, path)
        except psycopg.Error as exc:
            _faults.say(
                f"cannot write the run records waiting in {path} ({_faults.describe(exc)}); "
                "they stay there for the next start"
            )
            continue
        path.unlink(missing_ok=True)
        _faults.say(f"wrote the run records kept in {path} to the database")
