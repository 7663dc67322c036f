"""Locks shared by processes through a directory: one lock file per key.

A lock file is created with O_CREAT|O_EXCL (atomic on local filesystems), so exactly one
process wins; it holds the holder's name and, with a hold timeout, a wall-clock expiry
after which others may break it. Waiting polls the file with a short, growing interval.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from headrace.locking.protocol import ThreadedAsyncLocks

_POLL_START = 0.005
_POLL_MAX = 0.1


def _polls(timeout: float | None) -> Iterator[None]:
    """Yield once per attempt, sleeping between attempts with a growing interval, until
    `timeout` seconds have passed (None: forever); a last attempt comes at the deadline."""
    deadline = None if timeout is None else time.monotonic() + timeout
    interval = _POLL_START
    while True:
        yield
        if deadline is None:
            time.sleep(interval)
        else:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            time.sleep(min(interval, remaining))
        interval = min(interval * 2, _POLL_MAX)


class FileSystemLockManager(ThreadedAsyncLocks):
    """Locks as files in `lock_files_directory` (created on first use)."""

    def __init__(self, lock_files_directory: str | os.PathLike[str]) -> None:
        self.lock_files_directory = Path(lock_files_directory).expanduser()

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return self.lock_files_directory / f"{digest}.lock"

    def _read(self, key: str) -> dict | None:
        """The lock's record, or None if it is free (a lapsed lock is removed)."""
        path = self._path(key)
        try:
            record = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except ValueError:
            # being written right now (created, not yet filled): treat as held
            return {"holder": None, "expires": None}
        expires = record.get("expires")
        if expires is not None and expires <= time.time():
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            return None
        return record

    def acquire_lock(
        self,
        key: str,
        holder: str,
        acquire_timeout: float | None = None,
        hold_timeout: float | None = None,
    ) -> bool:
        self.lock_files_directory.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        for _ in _polls(acquire_timeout):
            record = self._read(key)
            if record is not None and record.get("holder") == holder:
                self._write(path, holder, hold_timeout)  # re-entrant: extend the hold
                return True
            if record is None:
                try:
                    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
                except FileExistsError:
                    continue
                with os.fdopen(fd, "w") as handle:
                    handle.write(self._content(holder, hold_timeout))
                return True
        return False

    @staticmethod
    def _content(holder: str, hold_timeout: float | None) -> str:
        expires = None if hold_timeout is None else time.time() + hold_timeout
        return json.dumps({"holder": holder, "expires": expires, "pid": os.getpid()})

    def _write(self, path: Path, holder: str, hold_timeout: float | None) -> None:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(self._content(holder, hold_timeout))
        os.replace(tmp, path)

    def release_lock(self, key: str, holder: str) -> None:
        record = self._read(key)
        if record is None or record.get("holder") != holder:
            raise ValueError(f"No lock held by {holder} for transaction with key {key}")
        self._path(key).unlink(missing_ok=True)

    def is_locked(self, key: str) -> bool:
        return self._read(key) is not None

    def is_lock_holder(self, key: str, holder: str) -> bool:
        record = self._read(key)
        return record is not None and record.get("holder") == holder

    def wait_for_lock(self, key: str, timeout: float | None = None) -> bool:
        return any(self._read(key) is None for _ in _polls(timeout))


__all__ = ["FileSystemLockManager"]
