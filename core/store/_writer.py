"""A background thread that batches writes, so the hot path never waits on SQLite."""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

_STOP = object()
_BATCH_LIMIT = 5000


class BatchWriter:
    """Executes queued `(sql, params)` writes in batches, one transaction per batch."""

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
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
        return done.wait(timeout)

    def close(self) -> None:
        if self._thread is None:
            return
        self._queue.put(_STOP)
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
        try:
            with connection:
                # consecutive writes with the same statement go through one executemany
                start = 0
                while start < len(batch):
                    sql = batch[start][0]
                    end = start + 1
                    while end < len(batch) and batch[end][0] is sql:
                        end += 1
                    connection.executemany(sql, [params for _, params in batch[start:end]])
                    start = end
        except sqlite3.Error as exc:  # keep the writer alive; surface the error on flush
            self.errors.append(exc)
