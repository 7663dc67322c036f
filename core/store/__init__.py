"""The embedded store: one SQLite file under `$HEADRACE_HOME`.

Each subsystem owns its tables: it registers a named, versioned list of migrations
with `register_schema` and reads or writes through the small `Store` interface, so a
PostgreSQL backend can later implement the same interface. Run records go through
the batched background writer (`Store.enqueue`); everything else writes directly.
"""

from headrace.settings import on_settings_change
from headrace.store._sqlite import (
    Store,
    get_store,
    register_schema,
    registered_schema_count,
    reset_store,
    set_store,
)

on_settings_change(reset_store)  # a new database in force means reopening the store

__all__ = [
    "Store",
    "get_store",
    "register_schema",
    "registered_schema_count",
    "reset_store",
    "set_store",
]
