"""The tables of the SQL store: one append-only list of migrations per component.

Migrations are written once for SQLite and PostgreSQL; the database's `ddl()` adapts the
few words that differ (PostgreSQL gets DOUBLE PRECISION for REAL, BYTEA for BLOB and an
explicit `rowid` insertion-order column, which SQLite tables have implicitly). Migration
N runs once per database, in order; never edit a released migration, append a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: ends a migration statement that only PostgreSQL runs (SQLite's `ddl()` drops it)
POSTGRESQL_ONLY = "/* postgresql only */"

# component name -> migrations; on_open callbacks run each time a process opens a store
_SCHEMAS: dict[str, list[str]] = {}
_ON_OPEN: dict[str, Callable[[Any], None]] = {}


def register_schema(
    component: str,
    migrations: Sequence[str],
    on_open: Callable[[Any], None] | None = None,
) -> None:
    """Declare a component's tables as an append-only list of migrations (each a string
    of `;`-separated statements). `on_open(store)` runs after the migrations each time a
    process opens a SQL store, e.g. to mark runs of dead processes Crashed."""
    _SCHEMAS[component] = list(migrations)
    if on_open is not None:
        _ON_OPEN[component] = on_open


def registered_schema_count() -> int:
    """How many components have registered tables (a template database made with fewer
    is out of date)."""
    return len(_SCHEMAS)


def schema_versions() -> dict[str, int]:
    """The schema version (number of migrations) of each registered component."""
    return {name: len(migrations) for name, migrations in _SCHEMAS.items()}


def pending(done: set[str]) -> list[str]:
    return [name for name in _SCHEMAS if name not in done]


def _outdated(database: Any, names: list[str]) -> list[str]:
    """The components whose tables need a migration, read without taking the write lock,
    so that opening an up-to-date SQLite store works while another process writes."""
    if database.dialect != "sqlite":
        return names
    try:
        rows = database.query("SELECT component, version FROM schema_versions")
    except database.errors:
        return names
    current = {row[0]: row[1] for row in rows}
    return [name for name in names if current.get(name) != len(_SCHEMAS[name])]


def migrate(database: Any, names: list[str]) -> None:
    """Bring the named components' tables up to date, one transaction per component."""
    names = _outdated(database, names)
    if not names:
        return
    with database.transaction() as tx:
        database.lock_migrations(tx)
        tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions"
            " (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )
    for name in names:
        migrations = _SCHEMAS[name]
        with database.transaction() as tx:
            database.lock_migrations(tx)
            rows = tx.query("SELECT version FROM schema_versions WHERE component = ?", (name,))
            current = rows[0]["version"] if rows else 0
            if current > len(migrations):
                raise RuntimeError(
                    f"the store's {name!r} schema is version {current}, newer than this "
                    f"headrace knows ({len(migrations)}); upgrade headrace"
                )
            for migration in migrations[current:]:
                for statement in migration.split(";"):
                    statement = database.ddl(statement)
                    if statement.strip():
                        tx.execute(statement)
            tx.execute(
                "INSERT INTO schema_versions (component, version) VALUES (?, ?)"
                " ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                (name, len(migrations)),
            )


def on_store_open(component: str, callback: Callable[[Any], None]) -> None:
    """Run `callback(store)` each time a process opens a SQL store (after migrating)."""
    _ON_OPEN[component] = callback


def on_open_callbacks(names: list[str]) -> list[Callable[[Any], None]]:
    return [_ON_OPEN[name] for name in names if name in _ON_OPEN]


_RUNS_V1 = """
CREATE TABLE flow_runs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    flow_name TEXT NOT NULL,
    flow_version TEXT,
    parameters TEXT,
    tags TEXT,
    state_type TEXT,
    state_name TEXT,
    state_message TEXT,
    run_count INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    start_time REAL,
    end_time REAL,
    parent_flow_run_id TEXT,
    parent_task_run_id TEXT,
    deployment_id TEXT,
    process TEXT
);
CREATE INDEX flow_runs_created ON flow_runs (created);
CREATE INDEX flow_runs_state ON flow_runs (state_type);
CREATE TABLE task_runs (
    id TEXT PRIMARY KEY,
    flow_run_id TEXT,
    name TEXT NOT NULL,
    task_name TEXT NOT NULL,
    task_key TEXT NOT NULL,
    dynamic_key TEXT,
    tags TEXT,
    state_type TEXT,
    state_name TEXT,
    state_message TEXT,
    run_count INTEGER NOT NULL DEFAULT 0,
    cache_key TEXT,
    created REAL NOT NULL,
    start_time REAL,
    end_time REAL,
    process TEXT
);
CREATE INDEX task_runs_flow_run ON task_runs (flow_run_id);
CREATE INDEX task_runs_state ON task_runs (state_type);
CREATE TABLE run_states (
    run_id TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    message TEXT,
    timestamp REAL NOT NULL
);
CREATE INDEX run_states_run ON run_states (run_id);
CREATE TABLE logs (
    flow_run_id TEXT,
    task_run_id TEXT,
    level INTEGER NOT NULL,
    logger TEXT NOT NULL,
    message TEXT NOT NULL,
    timestamp REAL NOT NULL
);
CREATE INDEX logs_flow_run ON logs (flow_run_id);
"""

# the filters and pages that the server, the UI and get_client() read by
_RUNS_V2 = """
CREATE INDEX flow_runs_flow_name ON flow_runs (flow_name, created);
CREATE INDEX flow_runs_deployment ON flow_runs (deployment_id);
CREATE INDEX flow_runs_parent ON flow_runs (parent_flow_run_id);
CREATE INDEX task_runs_created ON task_runs (created);
CREATE INDEX logs_task_run ON logs (task_run_id)
"""

# runs of one state newest first (the runs list's state filter), and counts per state, from
# the index alone; it covers what flow_runs_state did
_RUNS_V3 = """
CREATE INDEX flow_runs_state_created ON flow_runs (state_type, created);
DROP INDEX flow_runs_state
"""

# a task run's states written in its own row when they reach the store in one batch with
# its first state (see store/_batches.py); later states still go to run_states
_RUNS_V4 = "ALTER TABLE task_runs ADD COLUMN history BLOB"

# PostgreSQL's indexes have no implicit rowid (SQLite's do): the lists sort by
# (..., created, rowid), so there the indexes they walk carry it, and a deep page is
# skipped inside the index instead of sorting the whole table
_RUNS_V5 = f"""
CREATE INDEX flow_runs_created_rowid ON flow_runs (created, rowid) {POSTGRESQL_ONLY};
CREATE INDEX flow_runs_state_created_rowid ON flow_runs (state_type, created, rowid)
    {POSTGRESQL_ONLY};
CREATE INDEX flow_runs_flow_name_rowid ON flow_runs (flow_name, created, rowid) {POSTGRESQL_ONLY};
CREATE INDEX task_runs_created_rowid ON task_runs (created, rowid) {POSTGRESQL_ONLY};
DROP INDEX flow_runs_created {POSTGRESQL_ONLY};
DROP INDEX flow_runs_state_created {POSTGRESQL_ONLY};
DROP INDEX flow_runs_flow_name {POSTGRESQL_ONLY};
DROP INDEX task_runs_created {POSTGRESQL_ONLY}
"""

_BLOCKS_V1 = """
CREATE TABLE block_documents (
    id TEXT PRIMARY KEY,
    block_type_slug TEXT NOT NULL,
    name TEXT NOT NULL,
    is_anonymous INTEGER NOT NULL DEFAULT 0,
    data BLOB NOT NULL,
    schema_version TEXT NOT NULL,
    schema_checksum TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    UNIQUE (block_type_slug, name)
);
CREATE TABLE block_references (
    parent_id TEXT NOT NULL REFERENCES block_documents (id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES block_documents (id) ON DELETE RESTRICT,
    PRIMARY KEY (parent_id, field)
);
CREATE INDEX block_references_child ON block_references (child_id);
CREATE TABLE block_key_check (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL)
"""

_VARIABLES_V1 = (
    "CREATE TABLE variables (name TEXT PRIMARY KEY, value TEXT NOT NULL, tags TEXT,"
    " created REAL NOT NULL, updated REAL NOT NULL)"
)

_CONCURRENCY_V1 = """
CREATE TABLE concurrency_limits (
    name TEXT PRIMARY KEY,
    slots INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    slot_decay_per_second REAL NOT NULL DEFAULT 0,
    decaying_slots REAL NOT NULL DEFAULT 0,
    decay_ts REAL NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE concurrency_leases (
    id TEXT NOT NULL,
    name TEXT NOT NULL REFERENCES concurrency_limits (name) ON DELETE CASCADE,
    slots INTEGER NOT NULL,
    holder TEXT,
    acquired REAL NOT NULL,
    expires REAL NOT NULL,
    PRIMARY KEY (id, name)
);
CREATE INDEX concurrency_leases_name ON concurrency_leases (name);
"""

_DEPLOYMENTS_V1 = """
CREATE TABLE work_pools (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE deployments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    flow_name TEXT NOT NULL,
    path TEXT,
    entrypoint TEXT,
    work_pool_name TEXT,
    parameters TEXT NOT NULL DEFAULT '{}',
    parameter_names TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    description TEXT,
    version TEXT,
    schedules TEXT NOT NULL DEFAULT '[]',
    paused INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    UNIQUE (flow_name, name)
);
CREATE TABLE deployment_runs (
    flow_run_id TEXT PRIMARY KEY,
    deployment_id TEXT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    scheduled_time REAL NOT NULL,
    auto_scheduled INTEGER NOT NULL,
    worker_id TEXT,
    claimed REAL
);
CREATE UNIQUE INDEX deployment_runs_slot ON deployment_runs (deployment_id, scheduled_time)
    WHERE auto_scheduled = 1;
CREATE INDEX deployment_runs_due ON deployment_runs (scheduled_time);
CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    work_pool_name TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started REAL NOT NULL,
    heartbeat REAL NOT NULL,
    stopped REAL
);
"""

register_schema("runs", [_RUNS_V1, _RUNS_V2, _RUNS_V3, _RUNS_V4, _RUNS_V5])
register_schema("blocks", [_BLOCKS_V1])
register_schema("variables", [_VARIABLES_V1])
register_schema("concurrency", [_CONCURRENCY_V1])
register_schema("deployments", [_DEPLOYMENTS_V1])
