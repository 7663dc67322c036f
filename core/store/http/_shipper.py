"""Run records to the server in batches, from a background thread; never silently lost.

The hot path only puts a tuple on a queue. The shipper thread lets records accumulate
for a moment, then POSTs them to `/api/ingest` as one batch. While the server is away
it keeps the unsent records (at most `HEADRACE_API_BUFFER_RECORDS`, default 200,000),
says so on stderr, retries with backoff and sends everything once the server is back.
Records that do not fit in the buffer, or that are still unsent when the process
exits, are counted and reported on stderr: they are never dropped quietly.
"""

from __future__ import annotations

import atexit
import json
import queue
import sys
import threading
import time
import uuid
from typing import Any

import orjson

from headrace.settings import get_current_settings
from headrace.store.http._transport import ServerUnavailable, Transport

BUFFER_ENV = "HEADRACE_API_BUFFER_RECORDS"
_BATCH_LIMIT = 10_000
_LINGER_SECONDS = 0.05
_RETRY_FIRST, _RETRY_MAX = 0.2, 2.0


#: like `json.dumps(default=repr)`: keys made text, dataclasses and datetimes as repr
_ORJSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
)


def _warn(message: str) -> None:
    print(f"headrace: {message}", file=sys.stderr, flush=True)


class Shipper:
    """A bounded queue of run-record calls and the thread that sends them in batches."""

    def __init__(self, transport: Transport, capacity: int | None = None) -> None:
        self._transport = transport
        self.capacity = capacity or get_current_settings().api.buffer_records
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._count_lock = threading.Lock()
        self._queued = 0  # records put so far, in queue order (written by producers)
        self._done = 0  # records sent, or dropped and reported (written by the thread)
        self._dropped = 0
        self._online = True
        self._progress = threading.Condition()
        self._room = threading.Event()
        self._room.set()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False

    # -- producers -----------------------------------------------------------------------
    def put(self, record: tuple[Any, ...]) -> None:
        """Queue one call (`(kind, *arguments)`); returns at once unless the buffer is full."""
        if self._thread is None:
            self._start()
        if self._queue.qsize() >= self.capacity and not self._wait_for_room():
            with self._count_lock:
                self._queued += 1
            self._drop(1)
            return
        with self._count_lock:
            self._queued += 1
            self._queue.put(record)

    def _wait_for_room(self) -> bool:
        """While the server answers, a full buffer slows the producer down (nothing is
        lost); while it is away, the record cannot be kept."""
        while self._online and not self._closed:
            self._room.clear()
            if self._queue.qsize() < self.capacity:
                return True
            self._room.wait(1.0)
        return self._queue.qsize() < self.capacity

    def _drop(self, count: int) -> None:
        with self._progress:
            if not self._dropped:
                _warn(
                    f"the buffer of unsent run records for {self._transport.location} is full "
                    f"({self.capacity} records, {BUFFER_ENV}); new records are being dropped "
                    "until the server is back"
                )
            self._dropped += count
            self._done += count
            self._progress.notify_all()

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Wait until every record queued before this call has been sent (or reported lost)."""
        target = self._queued
        if self._thread is None or self._done >= target:
            return True
        deadline = None if timeout is None else time.monotonic() + timeout
        self._wake.set()
        with self._progress:
            while self._done < target:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._wake.set()
                self._progress.wait(left if left is None or left < 0.5 else 0.5)
        return True

    def close(self, timeout: float = 30.0) -> None:
        """Send what is queued (up to `timeout`), stop the thread, report anything unsent."""
        if self._thread is None:
            return
        sent = self.flush(timeout)
        self._closed = True
        self._wake.set()
        self._queue.put(None)
        self._thread.join(timeout=5)
        self._thread = None
        unsent = self._queued - self._done
        if not sent and unsent > 0:
            _warn(
                f"{unsent} run record(s) could not be sent to the headrace server at "
                f"{self._transport.location} before exit and are lost"
            )

    # -- the thread ----------------------------------------------------------------------
    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="headrace-record-shipper", daemon=True
                )
                self._thread.start()
                atexit.register(self.close, 10.0)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            self._wake.wait(_LINGER_SECONDS)  # let a burst gather into one batch
            self._wake.clear()
            batch = [first]
            stop = False
            while len(batch) < _BATCH_LIMIT:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._room.set()
            self._send(batch)
            if stop:
                return

    def _send(self, batch: list[tuple[Any, ...]]) -> None:
        payload = {"batch": uuid.uuid4().hex, "records": batch}
        try:  # several times json's speed: the task calls share the GIL with this thread
            body = orjson.dumps(payload, default=repr, option=_ORJSON_OPTIONS)
        except orjson.JSONEncodeError:  # integers past 64 bits
            body = json.dumps(payload, default=repr, separators=(",", ":")).encode()
        delay = _RETRY_FIRST
        lost_at: float | None = None
        while True:
            try:
                self._transport.call("POST", "/ingest", content=body)
            except ServerUnavailable as exc:
                if self._closed:
                    return
                if lost_at is None:
                    lost_at = time.monotonic()
                    self._online = False
                    self._room.set()
                    _warn(f"{exc}; keeping run records (up to {self.capacity}) and retrying")
                self._wake.wait(delay)
                self._wake.clear()
                delay = min(delay * 2, _RETRY_MAX)
                continue
            except Exception as exc:  # refused (bad records, auth): retrying cannot help
                _warn(
                    f"the headrace server at {self._transport.location} refused "
                    f"{len(batch)} run record(s), which are lost: {exc}"
                )
            break
        if lost_at is not None:
            self._online = True
            _warn(
                f"the headrace server at {self._transport.location} is back after "
                f"{time.monotonic() - lost_at:.1f}s; sending the kept run records"
                + (f" ({self._dropped} were dropped while it was away)" if self._dropped else "")
            )
        with self._progress:
            self._done += len(batch)
            self._progress.notify_all()
