"""A background thread that batches writes, so the hot path never waits on SQLite."""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

_STOP = object()
_BATCH_LIMIT = 20000
#: how long the writer lets writes accumulate before a batch (a flush cuts it short)
_LINGER_SECONDS = 0.05


class BatchWriter:
    """Executes queued `(sql, params)` writes in batches, one transaction per batch."""

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._wake = threading.Event()
        self.errors: list[BaseException] = []

    def enqueue(self, sql: str, params: tuple[Any, ...]) -> None:
        if self._thread is None:
            self._start()
        self._queue.put((sql, params))

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Block until everything queued before this call is committed."""
        if self._thread is None:
            return True
        done = threading.Event()
        self._queue.put(done)
        self._wake.set()
        return done.wait(timeout)

    def close(self) -> None:
        if self._thread is None:
            return
        self._queue.put(_STOP)
        self._wake.set()
        self._thread.join(timeout=30)
        self._thread = None

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="headrace-store-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        connection = self._connect()
        try:
            while True:
                item = self._queue.get()
                if not isinstance(item, threading.Event) and item is not _STOP:
                    # let a burst accumulate so it is written in one transaction
                    self._wake.wait(_LINGER_SECONDS)
                self._wake.clear()
                batch: list[tuple[str, tuple[Any, ...]]] = []
                waiters: list[threading.Event] = []
                stop = False
                while True:
                    if item is _STOP:
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
                if batch:
                    self._write(connection, batch)
                for waiter in waiters:
                    waiter.set()
                if stop:
                    return
        finally:
            connection.close()

    def _write(self, connection: sqlite3.Connection, batch: list[tuple[str, tuple]]) -> None:
        """One transaction; rows grouped per statement, INSERTs before UPDATEs.

        Grouping turns thousands of single statements into a few `executemany` calls.
        Running every INSERT of the batch before any UPDATE is safe because a row is
        always queued for insertion before it is queued for an update.
        """
        groups: dict[str, list[tuple]] = {}
        for sql, params in batch:
            rows = groups.get(sql)
            if rows is None:
                groups[sql] = rows = []
            rows.append(params)
        ordered = sorted(groups.items(), key=lambda item: item[0].startswith("UPDATE"))
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                for sql, rows in ordered:
                    connection.executemany(sql, rows)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        except sqlite3.Error as exc:  # keep the writer alive; surface the error on flush
            self.errors.append(exc)
