"""How a batch of queued `(sql, params)` writes becomes a few `executemany` calls.

A task run is queued as one INSERT, then an UPDATE per change of its row and a state
row per transition; when the INSERT sits in the same batch, the UPDATEs and the state
rows of that run are folded into the INSERT's row (its state history rides in the row),
so the database writes one row and its indexes instead of five rows.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

Row = tuple[Any, ...]

#: statement -> (the INSERT it folds into, where the row's id is in the statement's
#: params); the INSERT's first parameter is the row's id
_FOLDS: dict[str, tuple[str, int]] = {}
#: INSERT statement -> how its queued row absorbs the writes folded into it
_MERGES: dict[str, Callable[[Row, list[tuple[str, Row]]], Row]] = {}


def register_fold(
    insert_sql: str,
    folds: dict[str, int],
    merge: Callable[[Row, list[tuple[str, Row]]], Row],
) -> None:
    """Let writes of the statements in `folds` (statement -> index of the row's id in
    its params) be merged into a queued `insert_sql` row of the same id:
    `merge(row, [(sql, params), ...])` returns the row to insert."""
    for sql, key in folds.items():
        _FOLDS[sql] = (insert_sql, key)
    _MERGES[insert_sql] = merge


def group_writes(writes: list[tuple[str, Row]], fold: bool = True) -> list[tuple[str, list[Row]]]:
    """The batch's rows grouped per statement, INSERTs before UPDATEs.

    Grouping is safe because a row is always queued for insertion before it is queued
    for an update or gets a state; folding (see the module docstring) leaves the rows as
    if each statement had run in order.
    """
    groups: dict[str, list[Row]] = {}
    rules = _FOLDS if fold else {}
    merges = _MERGES if fold else {}
    queued: dict[Any, tuple[str, list[tuple[str, Row]]]] = {}  # id -> its INSERT, folds
    spots: list[tuple[list[Row], int, list[tuple[str, Row]], Any]] = []
    get_rule, get_queued, get_group = rules.get, queued.get, groups.get
    for write in writes:
        sql, params = write
        rule = get_rule(sql)
        if rule is not None:
            entry = get_queued(params[rule[1]])
            if entry is not None and entry[0] == rule[0]:
                entry[1].append(write)
                continue
        rows = get_group(sql)
        if rows is None:
            groups[sql] = rows = []
        merge = merges.get(sql) if merges else None
        if merge is not None:
            folded: list[tuple[str, Row]] = []
            queued[params[0]] = (sql, folded)
            spots.append((rows, len(rows), folded, merge))
        rows.append(params)
    for rows, index, folded, merge in spots:
        if folded:
            rows[index] = merge(rows[index], folded)
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
