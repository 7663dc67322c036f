"""A background thread that batches writes, so the hot path never waits on SQLite.

A batch the store will not take is never dropped: a locked or busy store is retried
for up to the lock timeout; after that, or on any other error (disk full, read-only
file, damaged database), the batch is appended to the spool file next to the store
(see `_spool`) and the failure is reported on stderr, by `flush()` returning False and
by `problem()`. Later batches go to the spool as well until the store takes writes
again, so records keep their order; then the spool is written back and removed.
"""

from __future__ import annotations

import itertools
import os
import queue
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from headrace.store import _faults, _spool
from headrace.store._batches import STOP, QueuedWriter, group_writes

#: writes per batch at most: enough for a 10,000-task map or ingest batch with its states
_BATCH_LIMIT = 65536
#: how long the writer lets writes accumulate before a batch (a flush cuts it short)
_LINGER_SECONDS = 0.05
#: a busy writer checkpoints the WAL after this many batches (an idle one after each)
_CHECKPOINT_BATCHES = 8
#: after a failed write, how long new batches go straight to the spool before a retry
_RETRY_INTERVAL = 5.0

Write = tuple[str, tuple[Any, ...]]

_writer_numbers = itertools.count(1)
#: spool files a writer of this process may still append to (never replayed by others)
_live_spools: set[Path] = set()


def apply_batch(
    connection: sqlite3.Connection,
    writes: list[Write],
    batch_id: str | None = None,
    skip_bad_rows: bool = False,
) -> int:
    """Write a batch in one transaction; returns how many rows were skipped, or -1 if
    `batch_id` was written before (nothing is written twice).

    Rows are grouped per statement (see `_batches`), turning thousands of statements
    into a few `executemany` calls. `skip_bad_rows` writes row by row, unfolded, and
    leaves out the rows a constraint rejects, so one bad row cannot keep a replayed
    batch out of the store forever.
    """
    ordered = group_writes(writes, fold=not skip_bad_rows)
    skipped = 0
    connection.execute("BEGIN IMMEDIATE")
    try:
        if batch_id is not None:
            cursor = connection.execute(
                "INSERT OR IGNORE INTO store_spool_batches (id, written) VALUES (?, ?)",
                (batch_id, time.time()),
            )
            if cursor.rowcount == 0:
                connection.execute("ROLLBACK")
                return -1
        for sql, rows in ordered:
            if not skip_bad_rows:
                _execute_rows(connection, sql, rows)
                continue
            for params in rows:
                try:
                    connection.execute(sql, params)
                except sqlite3.IntegrityError:
                    skipped += 1
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return skipped


#: the fewest rows worth one multi-row INSERT (fewer go through `executemany`)
_MULTI_ROW_MIN = 64
#: the most rows in one multi-row INSERT; SQLite's parameter limit may lower it
_MULTI_ROW_MAX = 2048


def _execute_rows(connection: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Run `sql` once per row. A plain `INSERT ... VALUES (?, ...)` goes as multi-row
    INSERTs of a few fixed sizes (so their prepared statements are reused): one call
    into SQLite per thousand rows instead of one per row, which costs less and lets
    other Python threads run (the GIL is released) while SQLite writes them."""
    at = sql.rfind(" VALUES (")
    values = sql[at + 8 :]
    if len(rows) < _MULTI_ROW_MIN or at < 0 or not sql.startswith("INSERT"):
        connection.executemany(sql, rows)
        return
    if not values.endswith(")") or ")" in values[:-1]:
        connection.executemany(sql, rows)
        return
    limit = connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // values.count("?")
    size = _MULTI_ROW_MAX
    while size > limit:
        size //= 2
    start, total = 0, len(rows)
    while size >= _MULTI_ROW_MIN:
        if total - start >= size:
            statement = f"{sql},{','.join([values] * (size - 1))}"
            while total - start >= size:
                chunk = rows[start : start + size]
                connection.execute(statement, list(itertools.chain.from_iterable(chunk)))
                start += size
        size //= 2
    if start < total:
        connection.executemany(sql, rows[start:])


def replay_spool(
    connection: sqlite3.Connection, path: Path, deadline: float | None = None
) -> tuple[int, int]:
    """Write a spool file's batches not written yet; (rows written, rows a constraint
    rejected). Raises on any other error, leaving the rest for a later replay."""
    if deadline is None:
        deadline = time.monotonic() + _faults.lock_timeout()
    written = rejected = 0
    for batch_id, writes in _spool.read(path):
        try:
            skipped = _faults.with_lock_retry(
                lambda: apply_batch(connection, writes, batch_id),  # noqa: B023
                deadline,
            )
        except sqlite3.IntegrityError:
            skipped = _faults.with_lock_retry(
                lambda: apply_batch(connection, writes, batch_id, skip_bad_rows=True),  # noqa: B023
                deadline,
            )
        if skipped >= 0:
            written += len(writes) - skipped
            rejected += skipped
    return written, rejected


def replay_waiting_spools(connection: sqlite3.Connection, database: str) -> None:
    """When a store opens: write the records that processes (now gone) or closed stores
    of this process could not, before anything else reads the store."""
    from headrace.store._process import PROCESS_KEY, process_alive

    for path in _spool.spool_files(database):
        owner = _spool.owner_key(path)
        if path in _live_spools or (owner != PROCESS_KEY and process_alive(owner)):
            continue
        try:
            written, rejected = replay_spool(connection, path)
        except (sqlite3.Error, OSError) as exc:
            _faults.say(
                f"cannot write the run records waiting in {path} to the store {database} "
                f"({_faults.describe(exc)}); they stay there for the next start"
            )
            continue
        path.unlink(missing_ok=True)
        if written or rejected:
            lost = f"; {rejected} rejected by the store's constraints" if rejected else ""
            _faults.say(f"wrote {written} run record(s) kept in {path} to the store{lost}")


class BatchWriter(QueuedWriter):
    """Executes queued `(sql, params)` writes in batches, one transaction per batch."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], database: str = "") -> None:
        super().__init__()
        self._connect = connect
        self._connection: sqlite3.Connection | None = None
        #: the store file ("" for an in-memory store) and its recovery file
        self.database = database
        self.spool_path: Path | None = None
        #: the error that stopped the last write, while records are still unwritten
        self.error: BaseException | None = None
        self._retry_at = 0.0
        self._spooled_rows = 0  # rows in our spool file, not yet in the store
        self._held: list[tuple[str, list[Write]]] = []  # batches the spool could not take
        self._spool_error: BaseException | None = None
        self._unchecked = 0  # batches committed since the last checkpoint

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Block until everything queued before this call is committed.

        False if that took longer than `timeout` or if records are still unwritten
        (spooled or held); `problem()` then says what happened.
        """
        return self._drained(timeout) and self.unwritten() == 0

    def unwritten(self) -> int:
        """How many records are not in the store (in the spool file or only in memory)."""
        return self._spooled_rows + sum(len(writes) for _, writes in self._held)

    def problem(self) -> str | None:
        """What is wrong, for a person: None while every record is in the store."""
        if not self.unwritten():
            return None
        error = _faults.describe(self.error) if self.error else "unknown error"
        store = self.database or ":memory:"
        parts = [f"{self.unwritten()} run record(s) could not be written to {store} ({error})"]
        if self._spooled_rows:
            parts.append(
                f"{self._spooled_rows} are kept in {self.spool_path} and will be written "
                f"when the store next opens"
            )
        held = self.unwritten() - self._spooled_rows
        if held:
            where = (
                f"the recovery file could not be written ({_faults.describe(self._spool_error)})"
                if self._spool_error
                else "the store has no recovery file"
            )
            parts.append(f"{held} are only in memory ({where}) and are lost when this process ends")
        return "; ".join(parts)

    def _run(self) -> None:
        try:
            try:
                self._open()
            except (sqlite3.Error, OSError) as exc:
                self._failed(exc)  # records go to the spool until the store opens
            while True:
                item = self._queue.get()
                if not isinstance(item, threading.Event) and item is not STOP:
                    # let a burst accumulate so it is written in one transaction
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
                if batch or (waiters and self.unwritten()):
                    self._write(batch)
                for waiter in waiters:
                    waiter.set()
                if stop:
                    return
                if batch and self.error is None:
                    self._checkpoint()
        finally:
            _live_spools.discard(self.spool_path)  # type: ignore[arg-type]
            if self._connection is not None:
                self._connection.close()

    # -- writing, spooling and recovering ----------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        """The writer's connection, opened on first use (and again after it failed), with
        SQLite waiting for another process's lock only as long as the lock timeout."""
        if self._connection is None:
            connection = self._connect()
            try:
                connection.execute(f"PRAGMA busy_timeout = {int(_faults.lock_timeout() * 1000)}")
                # the writer checkpoints after its commits (see `_checkpoint`), not in them
                connection.execute("PRAGMA wal_autocheckpoint = 0")
                if not self.database:
                    self.database = connection.execute("PRAGMA database_list").fetchone()[2]
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def _checkpoint(self) -> None:
        """Copy the WAL's pages into the store file once the queue is idle or the WAL
        has grown past SQLite's usual limit: this runs after a batch's flush waiters
        are released, so nobody waits for it, and SQLite does it without the GIL. A
        passive checkpoint never blocks readers or other writers; what it cannot copy
        now is copied the next time."""
        self._unchecked += 1
        if self._queue.empty() or self._unchecked >= _CHECKPOINT_BATCHES:
            self._unchecked = 0
            try:
                self._open().execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                pass  # the next write reports a store that went wrong

    def _spool_file(self) -> Path | None:
        """This writer's recovery file (None for an in-memory store)."""
        if self.spool_path is None and self.database and self.database != ":memory:":
            from headrace.store._process import PROCESS_KEY

            number = next(_writer_numbers)
            self.spool_path = _spool.spool_path(self.database, PROCESS_KEY, number)
            _live_spools.add(self.spool_path)
        return self.spool_path

    def _write(self, batch: list[Write]) -> None:
        pending = [*self._held, (uuid.uuid4().hex, batch)] if batch else list(self._held)
        self._held = []
        if self.error is None or time.monotonic() >= self._retry_at:
            deadline = time.monotonic() + _faults.lock_timeout()
            try:
                connection = self._open()
                if self._spooled_rows:
                    self._replay_own_spool(connection, deadline)
                while pending:
                    writes = pending[0][1]
                    _faults.with_lock_retry(lambda: apply_batch(connection, writes), deadline)  # noqa: B023
                    pending.pop(0)
            except (sqlite3.Error, OSError) as exc:
                self._failed(exc)
            else:
                if self.error is not None:
                    _faults.say(f"the store {self.database} takes writes again; nothing is lost")
                self.error = None
                return
        self._spool(pending)

    def _replay_own_spool(self, connection: sqlite3.Connection, deadline: float) -> None:
        assert self.spool_path is not None
        replay_spool(connection, self.spool_path, deadline)
        os.unlink(self.spool_path)
        self._spooled_rows = 0

    def _failed(self, exc: BaseException) -> None:
        first = self.error is None
        self.error = exc
        self._retry_at = time.monotonic() + _RETRY_INTERVAL
        if first:
            spool = self._spool_file()
            where = f"saving them to {spool}" if spool is not None else "keeping them in memory"
            _faults.say(
                f"cannot write run records to the store {self.database or ':memory:'} "
                f"({_faults.describe(exc)}); {where}"
            )

    def _spool(self, pending: list[tuple[str, list[Write]]]) -> None:
        if not pending:
            return
        spool = self._spool_file()
        if spool is None:
            self._held = pending
            return
        try:
            _spool.append(spool, pending)
        except OSError as exc:
            if self._spool_error is None:
                _faults.say(
                    f"cannot write the recovery file {self.spool_path} ({_faults.describe(exc)}); "
                    f"run records are kept in memory only"
                )
            self._spool_error = exc
            self._held = pending
            return
        self._spool_error = None
        self._spooled_rows += sum(len(writes) for _, writes in pending)
