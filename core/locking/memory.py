"""Locks for the threads of one process."""

from __future__ import annotations

import threading
import time

from headrace.locking.protocol import ThreadedAsyncLocks


class MemoryLockManager(ThreadedAsyncLocks):
    """Per-key locks held in memory; one manager per process (it is a singleton, as in
    Prefect, so every store and transaction of the process sees the same locks)."""

    _instance: MemoryLockManager | None = None
    _instance_lock = threading.Lock()

    def __new__(cls) -> MemoryLockManager:
        with cls._instance_lock:
            if cls._instance is None:
                instance = super().__new__(cls)
                instance._condition = threading.Condition()
                instance._locks = {}
                cls._instance = instance
            return cls._instance

    _condition: threading.Condition
    #: key -> (holder, monotonic expiry or None)
    _locks: dict[str, tuple[str, float | None]]

    def _current(self, key: str) -> str | None:
        entry = self._locks.get(key)
        if entry is None:
            return None
        holder, expires = entry
        if expires is not None and expires <= time.monotonic():
            del self._locks[key]
            self._condition.notify_all()
            return None
        return holder

    def _wait_for_change(self, key: str, deadline: float | None) -> bool:
        """With the condition held and `key` locked: wait for a release, the lock's expiry
        or `deadline`, whichever comes first; False once the deadline has passed."""
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            return False
        expires = self._locks[key][1]
        if expires is not None:
            until_expiry = max(0.0, expires - time.monotonic())
            remaining = until_expiry if remaining is None else min(remaining, until_expiry)
        self._condition.wait(remaining)
        return True

    def acquire_lock(
        self,
        key: str,
        holder: str,
        acquire_timeout: float | None = None,
        hold_timeout: float | None = None,
    ) -> bool:
        deadline = None if acquire_timeout is None else time.monotonic() + acquire_timeout
        with self._condition:
            while True:
                current = self._current(key)
                if current is None or current == holder:
                    expires = None if hold_timeout is None else time.monotonic() + hold_timeout
                    self._locks[key] = (holder, expires)
                    return True
                if not self._wait_for_change(key, deadline):
                    return False

    def release_lock(self, key: str, holder: str) -> None:
        with self._condition:
            if self._current(key) != holder:
                raise ValueError(f"No lock held by {holder} for transaction with key {key}")
            del self._locks[key]
            self._condition.notify_all()

    def is_locked(self, key: str) -> bool:
        with self._condition:
            return self._current(key) is not None

    def is_lock_holder(self, key: str, holder: str) -> bool:
        with self._condition:
            return self._current(key) == holder

    def wait_for_lock(self, key: str, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            while self._current(key) is not None:
                if not self._wait_for_change(key, deadline):
                    return False
            return True


__all__ = ["MemoryLockManager"]
