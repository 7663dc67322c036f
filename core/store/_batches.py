"""How a batch of queued `(sql, params)` writes becomes a few `executemany` calls.

A task run is queued as one INSERT and then an UPDATE per state change; when the
INSERT and its UPDATEs sit in the same batch, the UPDATEs are folded into the INSERT's
row, so the database writes the row (and its indexes) once instead of three times.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

Row = tuple[Any, ...]

#: UPDATE statement -> (the INSERT it folds into, how the UPDATE's params change its row);
#: the UPDATE's last parameter and the INSERT's first are the row's id
_FOLDS: dict[str, tuple[str, Callable[[Row, Row], Row]]] = {}


def register_fold(update_sql: str, insert_sql: str, fold: Callable[[Row, Row], Row]) -> None:
    """Let `update_sql` rows be merged into a queued `insert_sql` row of the same id."""
    _FOLDS[update_sql] = (insert_sql, fold)


def group_writes(writes: list[tuple[str, Row]], fold: bool = True) -> list[tuple[str, list[Row]]]:
    """The batch's rows grouped per statement, INSERTs before UPDATEs.

    Grouping is safe because a row is always queued for insertion before it is queued
    for an update; folding (see the module docstring) leaves the rows as if each
    statement had run in order.
    """
    groups: dict[str, list[Row]] = {}
    rules = _FOLDS if fold else {}
    targets = {insert_sql for insert_sql, _ in rules.values()}
    queued: dict[Any, tuple[str, list[Row], int]] = {}  # id -> its INSERT and row
    for sql, params in writes:
        rows = groups.get(sql)
        if rows is None:
            groups[sql] = rows = []
        if rules:
            rule = rules.get(sql)
            if rule is not None:
                spot = queued.get(params[-1])
                if spot is not None and spot[0] == rule[0]:
                    _, queued_rows, index = spot
                    queued_rows[index] = rule[1](queued_rows[index], params)
                    continue
            elif sql in targets:
                queued[params[0]] = (sql, rows, len(rows))
        rows.append(params)
    return sorted(
        ((sql, rows) for sql, rows in groups.items() if rows),
        key=lambda item: item[0].startswith("UPDATE"),
    )


#: queued to ask the writer thread to finish what is queued and stop
STOP = object()


class QueuedWriter:
    """The thread and queue a batching writer runs on (SQLite's and PostgreSQL's).

    Callers put `(sql, params)` writes, `threading.Event`s (set once everything queued
    before them is handled) and `STOP`; a subclass's `_run` takes them off `_queue`.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._wake = threading.Event()

    def enqueue(self, sql: str, params: tuple[Any, ...]) -> None:
        if self._thread is None:
            self._start()
        self._queue.put((sql, params))

    def _drained(self, timeout: float | None) -> bool:
        """Wait until everything queued before this call is handled; False on timeout."""
        if self._thread is None:
            return True
        done = threading.Event()
        self._queue.put(done)
        self._wake.set()
        return done.wait(timeout)

    def close(self) -> None:
        if self._thread is None:
            return
        self._queue.put(STOP)
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
        raise NotImplementedError
