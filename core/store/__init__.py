"""The store: run history, blocks, variables, concurrency limits and deployments.

One interface (`headrace.store.interface.Store`: `store.runs`, `store.blocks`, ...) with
three backends: a SQLite file under `$HEADRACE_HOME` (the default), PostgreSQL
(`HEADRACE_DATABASE_URL=postgresql://...`), and a headrace server over HTTP
(`HEADRACE_API_URL=http://host:port/api`). Run records are queued for a background
writer, so a task call never waits on the store.
"""

from __future__ import annotations

import atexit
import threading

from headrace.settings import get_settings, on_settings_change
from headrace.store import _faults
from headrace.store._faults import failure_message, unwritten_warning
from headrace.store.interface import Store
from headrace.store.sql import SqlStore, register_schema, registered_schema_count

_store: Store | None = None
_store_lock = threading.Lock()


def open_store(url: str | None = None) -> Store:
    """A new store for a database URL or SQLite path; without one, the store the
    settings name (`HEADRACE_API_URL`, else `HEADRACE_DATABASE_URL`, else the SQLite
    file under `$HEADRACE_HOME`)."""
    if url is None:
        settings = get_settings()
        if settings.api_url:
            from headrace.settings import require_http_url
            from headrace.store.http import HttpStore

            return HttpStore(require_http_url(settings.api_url))
        url = settings.database
    return open_sql_store(url)


def open_sql_store(url: str) -> SqlStore:
    """A SQL store for a database URL: `postgresql://...` or a SQLite file path
    (`sqlite:///path` and `:memory:` too)."""
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        from headrace.store._postgres import PostgresDatabase

        return SqlStore(PostgresDatabase(url))
    from headrace.store._sqlite import SqliteDatabase

    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///") :] or ":memory:"
    elif url.startswith("sqlite://"):
        url = url[len("sqlite://") :] or ":memory:"
    return SqlStore(SqliteDatabase(url))


def get_store() -> Store:
    """The process's store, opened on first use from the settings then in force.

    The open store is reused without looking at the environment again (this is on
    the hot path); `reset_store()` (called by `temporary_settings` and the test
    harness) makes the next call open the store for the current settings.
    """
    store = _store
    if store is None:
        return _open_store()
    if isinstance(store, SqlStore) and store.schema_count != registered_schema_count():
        store.ensure_schemas()
    return store


def _open_store() -> Store:
    global _store
    with _store_lock:
        if _store is None:
            _store = open_store()
        return _store


def set_store(store: Store | None) -> Store | None:
    """Install a store (or None) as the process's store; returns the previous one."""
    global _store
    with _store_lock:
        previous, _store = _store, store
    return previous


def reset_store() -> None:
    """Close and forget the process's store."""
    previous = set_store(None)
    if previous is not None:
        previous.close()


on_settings_change(reset_store)  # a new database in force means reopening the store


@atexit.register
def _flush_at_exit() -> None:
    # exits with status 3 if run records could not be written (see _faults)
    if _store is not None:
        _faults.finish_at_exit(_store)


__all__ = [
    "SqlStore",
    "Store",
    "failure_message",
    "get_store",
    "unwritten_warning",
    "open_sql_store",
    "open_store",
    "register_schema",
    "registered_schema_count",
    "reset_store",
    "set_store",
]
