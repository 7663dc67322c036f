"""Telling store errors apart: transient (retry), corrupt (say so), the rest (spool and report).

A locked or busy database is retried with backoff for at most the lock timeout
(`HEADRACE_STORE_LOCK_TIMEOUT` seconds, default 15). Anything else, or a lock held for
longer, is permanent for this attempt: the writer spools the batch and says so.
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from headrace.exceptions import HeadraceException

LOCK_TIMEOUT_ENV = "HEADRACE_STORE_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 15.0
#: exit status of a process whose run records could not all be written to the store
EXIT_RECORDS_NOT_WRITTEN = 3

_T = TypeVar("_T")
_CORRUPT_MARKERS = ("file is not a database", "malformed", "disk image", "corrupt")


class StoreError(HeadraceException):
    """The store cannot be used; the message names the file and what is wrong."""


class CorruptStoreError(StoreError, sqlite3.DatabaseError):
    """The store file is damaged (also a `sqlite3.DatabaseError`, as before)."""


def lock_timeout() -> float:
    """How long a write waits for a lock held by another process before giving up."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV)
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"${LOCK_TIMEOUT_ENV} must be a number of seconds, not {raw!r}") from None
    return max(value, 0.0)


def is_transient(exc: BaseException) -> bool:
    """A lock or busy error: waiting may help."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and any(
        marker in str(exc).lower() for marker in _CORRUPT_MARKERS
    )


def corrupt_error(database: str, exc: BaseException) -> CorruptStoreError:
    return CorruptStoreError(
        f"the store {database} is damaged ({exc}); run `headrace store check` to see what is "
        f"wrong and `headrace store recover` to copy what is readable into a fresh file"
    )


def with_lock_retry(action: Callable[[], _T], deadline: float | None = None) -> _T:
    """Run `action`, retrying while the database is locked or busy, until `deadline`."""
    if deadline is None:
        deadline = time.monotonic() + lock_timeout()
    pause = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not is_transient(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def describe(exc: BaseException) -> str:
    """A one-line account of an error: the type and the message."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


_say_lock = threading.Lock()


def say(message: str) -> None:
    """Print a headrace message on stderr (never raises: stderr may be closed)."""
    with _say_lock:
        try:
            sys.stderr.write(f"headrace: {message}\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass


def write_problem(store: Any) -> str | None:
    """What keeps run records out of `store`, for a person; None if nothing does."""
    problem = getattr(store, "write_problem", None)
    return problem() if callable(problem) else None


def unwritten_warning(store: Any, timeout: float) -> str:
    """The warning a flow logs when its records are not all in the store at its end."""
    return write_problem(store) or (
        f"run records of this flow may be missing from the store {store.location}: "
        f"it did not confirm them within {timeout:g} s"
    )


_exiting = False


def finish_at_exit(store: Any) -> None:
    """At interpreter exit: write what is queued; if run records are still not in the
    store, say so on stderr and end the process with `EXIT_RECORDS_NOT_WRITTEN`.

    atexit cannot change the exit status, so this runs the remaining exit handlers
    itself (logging's flush among them), flushes stdio, then calls `os._exit`.
    """
    global _exiting
    if _exiting:
        return
    timeout = lock_timeout() + 15
    if store.flush(timeout=timeout) and write_problem(store) is None:
        return
    _exiting = True
    say(unwritten_warning(store, timeout))
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(EXIT_RECORDS_NOT_WRITTEN)


def _store_location() -> str:
    import headrace.store as store_package

    store = getattr(store_package, "_store", None)
    if store is not None:
        return str(store.location)
    from headrace.settings import get_settings

    return str(get_settings().database)


def failure_message(exc: BaseException) -> str | None:
    """A one-line error for a command that failed on the store (None: not a store error)."""
    if isinstance(exc, StoreError):
        return str(exc)
    if not isinstance(exc, sqlite3.Error):
        return None
    location = _store_location()
    if is_corrupt(exc):
        return str(corrupt_error(location, exc))
    if is_transient(exc):
        return (
            f"the store {location} stayed locked by another process for longer than "
            f"{lock_timeout():g} s (${LOCK_TIMEOUT_ENV}); try again when it is done"
        )
    return f"the store {location} failed: {describe(exc)}"


class StoreUnavailableError(StoreError, sqlite3.OperationalError):
    """The store file cannot be opened or set up (full disk, lock held too long, ...)."""


def raise_open_error(location: str, exc: Exception) -> None:
    """Re-raise an error from opening a store, saying which store and what is wrong."""
    if is_corrupt(exc):
        raise corrupt_error(location, exc) from None
    if isinstance(exc, sqlite3.Error) and not isinstance(exc, StoreError):
        if is_transient(exc):
            raise StoreUnavailableError(
                f"the store {location} stayed locked by another process for longer than "
                f"{lock_timeout():g} s (${LOCK_TIMEOUT_ENV})"
            ) from exc
        raise StoreUnavailableError(f"cannot open the store {location}: {describe(exc)}") from exc
    raise exc
