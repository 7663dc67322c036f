"""Waiting for slots (polling with bounded backoff) and keeping held leases alive.

Timing constants are small and come from the environment so tests can shrink them:

- `HEADRACE_CONCURRENCY_LEASE_SECONDS` (default 60): how long a lease lives without renewal;
  a holder renews it every third of that, so only a dead holder's lease runs out.
- `HEADRACE_CONCURRENCY_POLL_MAX_SECONDS` (default 0.5): the longest pause between tries.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Iterator

from headrace.concurrency import limits
from headrace.concurrency.errors import (
    AcquireConcurrencySlotTimeoutError,
    ConcurrencySlotAcquisitionError,
)
from headrace.run_records import new_run_id
from headrace.settings import get_current_settings

logger = logging.getLogger("headrace.concurrency")

_FIRST_POLL_SECONDS = 0.005
_warned_missing: set[str] = set()
# a release in this process wakes local waiters at once instead of at their next poll
_released = threading.Condition()


def lease_seconds(override: float | None = None) -> float:
    if override is not None:
        return float(override)
    return get_current_settings().concurrency.lease_seconds


def _max_poll_seconds() -> float:
    return get_current_settings().concurrency.poll_max_seconds


def normalize_names(names: str | list[str] | tuple[str, ...]) -> list[str]:
    listed = [names] if isinstance(names, str) else list(names)
    if not listed:
        raise ValueError("concurrency needs at least one limit name")
    return list(dict.fromkeys(listed))


def _delays(timeout_seconds: float | None) -> Iterator[float]:
    """Pauses between tries: exponential from 5 ms to the cap, with jitter; stops at timeout."""
    deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
    delay = _FIRST_POLL_SECONDS
    cap = _max_poll_seconds()
    while True:
        pause = delay * random.uniform(0.5, 1.0)
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            pause = min(pause, remaining)
        yield pause
        delay = min(delay * 2, cap)


class Request:
    """One acquisition: the names, slots and lease, tried until it succeeds or gives up."""

    def __init__(
        self,
        names: str | list[str],
        occupy: int,
        timeout_seconds: float | None,
        strict: bool,
        lease: bool,
        lease_duration: float | None = None,
        holder: str | None = None,
        max_retries: int | None = None,
    ) -> None:
        if occupy < 1:
            raise ValueError(f"occupy must be at least 1, got {occupy}")
        self.names = normalize_names(names)
        self.occupy = occupy
        self.timeout_seconds = timeout_seconds
        self.strict = strict
        self.lease_id = new_run_id() if lease else None
        self.lease_seconds = lease_seconds(lease_duration)
        self.holder = holder or f"pid:{os.getpid()}"
        self.max_retries = max_retries
        self.delays = _delays(timeout_seconds)
        self.tries = 0
        self.retry_after: float | None = None

    def attempt(self) -> bool:
        """One try; True when held. Raises for problems that waiting cannot fix."""
        self.tries += 1
        result = limits.try_acquire(
            self.names, self.occupy, self.lease_id, self.holder, self.lease_seconds, self.strict
        )
        if result.missing:
            self._warn_missing(result.missing)
        if result.acquired:
            if self.lease_id is not None:
                keeper.hold(self.lease_id, self.lease_seconds)
            return True
        self.retry_after = result.retry_after
        return False

    @staticmethod
    def _warn_missing(names: tuple[str, ...]) -> None:
        """Prefect's warning, once per name and process."""
        new = [name for name in names if name not in _warned_missing]
        if not new:
            return
        _warned_missing.update(new)
        logger.warning(
            "Concurrency limits %s do not exist - skipping acquisition. Create them with "
            "`headrace gcl create NAME --limit N`, or pass strict=True to make this an error.",
            new,
        )

    def next_pause(self) -> float:
        """How long to wait before the next try; raises once the timeout or retries are spent."""
        if self.max_retries is not None and self.tries > self.max_retries:
            raise ConcurrencySlotAcquisitionError(
                f"could not acquire {self.occupy} slot(s) of {', '.join(self.names)} "
                f"after {self.tries} attempts"
            )
        pause = next(self.delays, None)
        if pause is None:
            raise AcquireConcurrencySlotTimeoutError(
                f"Attempt to acquire concurrency slots timed out after "
                f"{self.timeout_seconds} second(s)"
            )
        if self.retry_after is not None:  # a rate limit says when the next slot frees up
            pause = min(max(pause, self.retry_after), _max_poll_seconds())
        return pause

    def release(self) -> None:
        if self.lease_id is None:
            return
        keeper.drop(self.lease_id)
        limits.release(self.lease_id)
        with _released:
            _released.notify_all()


def wait_for_release(pause: float) -> None:
    with _released:
        _released.wait(pause)


class LeaseKeeper:
    """One daemon thread per process that renews every lease this process holds."""

    def __init__(self) -> None:
        self._held: dict[str, float] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, lease_id: str, seconds: float) -> None:
        with self._lock:
            self._held[lease_id] = seconds
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="headrace-lease-keeper", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def drop(self, lease_id: str) -> None:
        with self._lock:
            self._held.pop(lease_id, None)

    def _run(self) -> None:
        while True:
            with self._lock:
                period = min(self._held.values()) / 3 if self._held else 5.0
            self._wake.wait(period)
            self._wake.clear()
            with self._lock:
                held = dict(self._held)
            if not held:
                continue
            by_seconds: dict[float, list[str]] = {}
            for lease_id, seconds in held.items():
                by_seconds.setdefault(seconds, []).append(lease_id)
            try:
                for seconds, lease_ids in by_seconds.items():
                    for lost in limits.renew(lease_ids, seconds):
                        with self._lock:
                            if self._held.pop(lost, None) is None:
                                continue  # released meanwhile: not lost
                        logger.warning(
                            "Concurrency lease %s expired before it was renewed (was this "
                            "process stalled?) or was reset; its slots may be in use by others",
                            lost,
                        )
            except Exception as exc:  # keep renewing; a lost lease is worse than a log line
                logger.warning("Could not renew concurrency leases: %r", exc)


keeper = LeaseKeeper()
