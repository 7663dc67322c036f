"""The interface every lock manager has (Prefect's `LockManager` protocol)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class LockManager(Protocol):
    def acquire_lock(
        self,
        key: str,
        holder: str,
        acquire_timeout: float | None = None,
        hold_timeout: float | None = None,
    ) -> bool:
        """Take the lock on `key` for `holder`, waiting up to `acquire_timeout` seconds
        (None: as long as it takes); it lapses after `hold_timeout` seconds if given."""
        ...

    async def aacquire_lock(
        self,
        key: str,
        holder: str,
        acquire_timeout: float | None = None,
        hold_timeout: float | None = None,
    ) -> bool: ...

    def release_lock(self, key: str, holder: str) -> None:
        """Release `holder`'s lock; ValueError if `holder` does not hold it."""
        ...

    def is_locked(self, key: str) -> bool: ...

    def is_lock_holder(self, key: str, holder: str) -> bool: ...

    def wait_for_lock(self, key: str, timeout: float | None = None) -> bool:
        """Wait until `key` is free; False if still locked after `timeout` seconds."""
        ...

    async def await_for_lock(self, key: str, timeout: float | None = None) -> bool: ...


class ThreadedAsyncLocks:
    """The async twins of a blocking lock manager: each runs its sync method in a thread,
    so one waiting loop serves both conventions."""

    async def aacquire_lock(
        self,
        key: str,
        holder: str,
        acquire_timeout: float | None = None,
        hold_timeout: float | None = None,
    ) -> bool:
        import asyncio

        return await asyncio.to_thread(
            self.acquire_lock,  # type: ignore[attr-defined]
            key,
            holder,
            acquire_timeout,
            hold_timeout,
        )

    async def await_for_lock(self, key: str, timeout: float | None = None) -> bool:
        import asyncio

        return await asyncio.to_thread(self.wait_for_lock, key, timeout)  # type: ignore[attr-defined]


__all__ = ["LockManager", "ThreadedAsyncLocks"]
