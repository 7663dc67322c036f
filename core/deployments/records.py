"""Work pools, deployments and the flow runs created for them, in the store.

A deployment's flow runs are ordinary rows of `flow_runs` (state Scheduled until someone
runs them) plus a row in `deployment_runs` saying when each is due and who claimed it.
Scheduled runs are unique per (deployment, scheduled time), so any number of workers or
serve processes can create the same upcoming runs without duplicates; claiming happens in
one `BEGIN IMMEDIATE` transaction, so a run is started by exactly one of them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from headrace.exceptions import HeadraceException, ObjectNotFound
from headrace.run_records import new_run_id
from headrace.store import Store, get_store, register_schema
from headrace.store import runs as _runs  # noqa: F401 - registers the flow_runs tables we join
from headrace.utilities.names import generate_slug

_SCHEMA_V1 = """
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

register_schema("deployments", [_SCHEMA_V1])

FINAL_STATES = ("COMPLETED", "FAILED", "CANCELLED", "CRASHED")


class RunRejected(HeadraceException):
    """A flow run that cannot start (bad parameters, unloadable flow); its record says why."""


# -- work pools -------------------------------------------------------------------------------
def create_work_pool(name: str, type: str = "process", overwrite: bool = False) -> dict[str, Any]:
    from headrace.exceptions import ObjectAlreadyExists

    if type != "process":
        raise ValueError(f"unsupported work pool type {type!r}; headrace runs 'process' pools")
    store = get_store()
    with store.transaction() as connection:
        if (
            not overwrite
            and connection.execute("SELECT 1 FROM work_pools WHERE name = ?", (name,)).fetchone()
        ):
            raise ObjectAlreadyExists(f"work pool {name!r} already exists")
        connection.execute(
            "INSERT INTO work_pools (name, type, created) VALUES (?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET type = excluded.type",
            (name, type, time.time()),
        )
    return get_work_pool(name)


def get_work_pool(name: str) -> dict[str, Any]:
    rows = get_store().query("SELECT * FROM work_pools WHERE name = ?", (name,))
    if not rows:
        raise ObjectNotFound(
            f"work pool {name!r} not found; create it with "
            f"`headrace work-pool create {name} --type process`"
        )
    return dict(rows[0])


def list_work_pools() -> list[dict[str, Any]]:
    return [dict(row) for row in get_store().query("SELECT * FROM work_pools ORDER BY name")]


def delete_work_pool(name: str) -> None:
    get_work_pool(name)
    get_store().execute("DELETE FROM work_pools WHERE name = ?", (name,))


# -- deployments ------------------------------------------------------------------------------
@dataclass
class DeploymentRecord:
    """A stored deployment."""

    id: str
    name: str
    flow_name: str
    path: str | None
    entrypoint: str | None
    work_pool_name: str | None
    parameters: dict[str, Any] = field(default_factory=dict)
    parameter_names: list[str] | None = None
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    version: str | None = None
    schedules: list[dict[str, Any]] = field(default_factory=list)
    paused: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.flow_name}/{self.name}"

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "full_name": self.full_name}


def _deployment(row: Any) -> DeploymentRecord:
    names = row["parameter_names"]
    return DeploymentRecord(
        id=row["id"],
        name=row["name"],
        flow_name=row["flow_name"],
        path=row["path"],
        entrypoint=row["entrypoint"],
        work_pool_name=row["work_pool_name"],
        parameters=json.loads(row["parameters"]),
        parameter_names=None if names is None else json.loads(names),
        tags=json.loads(row["tags"]),
        description=row["description"],
        version=row["version"],
        schedules=json.loads(row["schedules"]),
        paused=bool(row["paused"]),
    )


def save_deployment(record: DeploymentRecord) -> DeploymentRecord:
    """Create or update (by flow name and deployment name) a deployment; returns it with its id.

    Changing a deployment's schedules removes the runs the old ones had scheduled and
    that have not started, so runs of an old schedule never linger.
    """
    store = get_store()
    now = time.time()
    with store.transaction() as connection:
        row = connection.execute(
            "SELECT id, schedules FROM deployments WHERE flow_name = ? AND name = ?",
            (record.flow_name, record.name),
        ).fetchone()
        record.id = row["id"] if row else record.id or new_run_id()
        values = (
            record.path,
            record.entrypoint,
            record.work_pool_name,
            json.dumps(record.parameters, default=repr),
            None if record.parameter_names is None else json.dumps(record.parameter_names),
            json.dumps(sorted(record.tags)),
            record.description,
            record.version,
            json.dumps(record.schedules),
            int(record.paused),
        )
        if row:
            connection.execute(
                "UPDATE deployments SET path = ?, entrypoint = ?, work_pool_name = ?,"
                " parameters = ?, parameter_names = ?, tags = ?, description = ?, version = ?,"
                " schedules = ?, paused = ?, updated = ? WHERE id = ?",
                (*values, now, record.id),
            )
            if row["schedules"] != values[8]:
                drop_unstarted_scheduled_runs(connection, record.id)
        else:
            connection.execute(
                "INSERT INTO deployments (id, name, flow_name, path, entrypoint, work_pool_name,"
                " parameters, parameter_names, tags, description, version, schedules, paused,"
                " created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.id, record.name, record.flow_name, *values, now, now),
            )
    return record


def drop_unstarted_scheduled_runs(
    connection: Any, deployment_id: str, requested_too: bool = False
) -> None:
    """Remove a deployment's schedule-made (with `requested_too`, all) runs that have not
    started; inside a transaction."""
    sql = (
        "SELECT d.flow_run_id FROM deployment_runs d JOIN flow_runs f ON f.id = d.flow_run_id"
        " WHERE d.deployment_id = ? AND f.state_type = 'SCHEDULED'"
    )
    if not requested_too:
        sql += " AND d.auto_scheduled = 1"
    ids = [row[0] for row in connection.execute(sql, (deployment_id,))]
    for run_id in ids:
        connection.execute("DELETE FROM deployment_runs WHERE flow_run_id = ?", (run_id,))
        connection.execute("DELETE FROM flow_runs WHERE id = ?", (run_id,))
        connection.execute("DELETE FROM run_states WHERE run_id = ?", (run_id,))


def get_deployment(name_or_id: str) -> DeploymentRecord:
    """A deployment by `FLOW/DEPLOYMENT` name or by id."""
    store = get_store()
    flow_name, _, name = name_or_id.partition("/")
    if name:
        rows = store.query(
            "SELECT * FROM deployments WHERE flow_name = ? AND name = ?", (flow_name, name)
        )
    else:
        rows = store.query("SELECT * FROM deployments WHERE id = ?", (name_or_id,))
    if not rows:
        hint = "" if name else " (use FLOW_NAME/DEPLOYMENT_NAME)"
        raise ObjectNotFound(f"deployment {name_or_id!r} not found{hint}")
    return _deployment(rows[0])


def list_deployments(work_pool_name: str | None = None) -> list[DeploymentRecord]:
    store = get_store()
    if work_pool_name is None:
        rows = store.query("SELECT * FROM deployments ORDER BY flow_name, name")
    else:
        rows = store.query(
            "SELECT * FROM deployments WHERE work_pool_name = ? ORDER BY flow_name, name",
            (work_pool_name,),
        )
    return [_deployment(row) for row in rows]


def delete_deployment(name_or_id: str) -> None:
    """Delete a deployment and the runs of it that have not started; past runs stay."""
    record = get_deployment(name_or_id)
    with get_store().transaction() as connection:
        drop_unstarted_scheduled_runs(connection, record.id, requested_too=True)
        connection.execute("DELETE FROM deployments WHERE id = ?", (record.id,))


# -- flow runs of deployments -----------------------------------------------------------------
_INSERT_RUN = (
    "INSERT INTO flow_runs (id, name, flow_name, flow_version, parameters, tags, state_type,"
    " state_name, state_message, created, deployment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_STATE = (
    "INSERT INTO run_states (run_id, type, name, message, timestamp) VALUES (?, ?, ?, ?, ?)"
)


def _insert_run(
    connection: Any,
    deployment: DeploymentRecord,
    parameters: dict[str, Any],
    scheduled_time: float,
    auto_scheduled: bool,
    state: tuple[str, str, str | None] = ("SCHEDULED", "Scheduled", None),
) -> str | None:
    run_id = new_run_id()
    inserted = connection.execute(
        "INSERT OR IGNORE INTO deployment_runs (flow_run_id, deployment_id, scheduled_time,"
        " auto_scheduled) VALUES (?, ?, ?, ?)",
        (run_id, deployment.id, scheduled_time, int(auto_scheduled)),
    ).rowcount
    if not inserted:
        return None
    now = time.time()
    connection.execute(
        _INSERT_RUN,
        (
            run_id,
            generate_slug(),
            deployment.flow_name,
            deployment.version,
            json.dumps(parameters, default=repr),
            json.dumps(sorted(deployment.tags)),
            *state,
            now,
            deployment.id,
        ),
    )
    connection.execute(_INSERT_STATE, (run_id, *state, now))
    return run_id


def create_flow_run(
    deployment: DeploymentRecord,
    parameters: dict[str, Any],
    scheduled_time: float,
    failed_message: str | None = None,
) -> str:
    """A requested (not schedule-made) run; with `failed_message` it is recorded as Failed."""
    state = ("SCHEDULED", "Scheduled", None)
    if failed_message is not None:
        state = ("FAILED", "Failed", failed_message)
    store = get_store()
    with store.transaction() as connection:
        run_id = _insert_run(connection, deployment, parameters, scheduled_time, False, state)
    assert run_id is not None
    return run_id


def create_scheduled_runs(
    deployment: DeploymentRecord, slots: list[tuple[float, dict[str, Any]]]
) -> list[str]:
    """Create the runs due at the given (time, parameters) slots; existing slots are kept."""
    store = get_store()
    created = []
    with store.transaction() as connection:
        for scheduled_time, parameters in slots:
            run_id = _insert_run(connection, deployment, parameters, scheduled_time, True)
            if run_id is not None:
                created.append(run_id)
    return created


def set_run_state(run_id: str, state_type: str, state_name: str, message: str | None) -> bool:
    """Set the state of a run nobody is executing any more; False if it was already final."""
    store = get_store()
    store.flush()
    now = time.time()
    with store.transaction() as connection:
        sql = (
            "UPDATE flow_runs SET state_type = ?, state_name = ?, state_message = ?,"
            " end_time = CASE WHEN ? IN ('COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED')"
            " THEN ? ELSE end_time END WHERE id = ?"
        )
        sql += f" AND state_type NOT IN {FINAL_STATES}"
        params = (state_type, state_name, message, state_type, now, run_id)
        changed = connection.execute(sql, params).rowcount
        if changed:
            connection.execute(_INSERT_STATE, (run_id, state_type, state_name, message, now))
    return bool(changed)


def run_row(run_id: str, store: Store | None = None) -> dict[str, Any] | None:
    store = store or get_store()
    rows = store.query(
        "SELECT f.*, d.scheduled_time, d.auto_scheduled, d.worker_id FROM flow_runs f"
        " LEFT JOIN deployment_runs d ON d.flow_run_id = f.id WHERE f.id = ?",
        (run_id,),
    )
    if not rows:
        return None
    data = dict(rows[0])
    data["parameters"] = json.loads(data["parameters"] or "{}")
    return data


def deployment_runs(deployment_id: str) -> list[dict[str, Any]]:
    """A deployment's runs in scheduled order, with their states."""
    rows = get_store().query(
        "SELECT f.id, f.name, f.state_type, f.state_name, f.state_message, f.parameters,"
        " d.scheduled_time, d.auto_scheduled, d.worker_id FROM deployment_runs d"
        " JOIN flow_runs f ON f.id = d.flow_run_id WHERE d.deployment_id = ?"
        " ORDER BY d.scheduled_time, f.created",
        (deployment_id,),
    )
    return [dict(row) for row in rows]


def skip_missed_runs(deployment_ids: list[str], now: float) -> int:
    """The missed-run policy: of the schedule-made runs that are already due and were never
    started, only the most recent per deployment stays; the older ones are Cancelled."""
    if not deployment_ids:
        return 0
    store = get_store()
    marks = ",".join("?" * len(deployment_ids))
    message = "Skipped: a later run of the same schedule was also due (missed-run policy)"
    with store.transaction() as connection:
        rows = connection.execute(
            "SELECT d.flow_run_id, d.deployment_id FROM deployment_runs d JOIN flow_runs f"
            " ON f.id = d.flow_run_id WHERE d.auto_scheduled = 1 AND f.state_type = 'SCHEDULED'"
            f" AND d.scheduled_time <= ? AND d.deployment_id IN ({marks})"
            " ORDER BY d.scheduled_time DESC",
            (now, *deployment_ids),
        ).fetchall()
        latest_kept: set[str] = set()
        skipped = []
        for run_id, deployment_id in rows:
            if deployment_id in latest_kept:
                skipped.append(run_id)
            latest_kept.add(deployment_id)
        for run_id in skipped:
            connection.execute(
                "UPDATE flow_runs SET state_type = 'CANCELLED', state_name = 'Cancelled',"
                " state_message = ?, end_time = ? WHERE id = ?",
                (message, now, run_id),
            )
            connection.execute(_INSERT_STATE, (run_id, "CANCELLED", "Cancelled", message, now))
    return len(skipped)


def claim_due_runs(
    deployment_ids: list[str], claimer: str, now: float, limit: int | None, process: str
) -> list[dict[str, Any]]:
    """Atomically take up to `limit` due Scheduled runs: they become Pending, owned by
    `claimer` (a worker or serve process) and, for crash detection, by `process`."""
    if not deployment_ids or (limit is not None and limit <= 0):
        return []
    store = get_store()
    marks = ",".join("?" * len(deployment_ids))
    sql = (
        "SELECT d.flow_run_id FROM deployment_runs d JOIN flow_runs f ON f.id = d.flow_run_id"
        f" WHERE f.state_type = 'SCHEDULED' AND d.scheduled_time <= ? AND d.deployment_id IN"
        f" ({marks}) ORDER BY d.scheduled_time"
    )
    params: list[Any] = [now, *deployment_ids]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    stamp = time.time()
    with store.transaction() as connection:
        ids = [row[0] for row in connection.execute(sql, params)]
        for run_id in ids:
            connection.execute(
                "UPDATE flow_runs SET state_type = 'PENDING', state_name = 'Pending',"
                " state_message = NULL, process = ? WHERE id = ?",
                (process, run_id),
            )
            connection.execute(_INSERT_STATE, (run_id, "PENDING", "Pending", None, stamp))
            connection.execute(
                "UPDATE deployment_runs SET worker_id = ?, claimed = ? WHERE flow_run_id = ?",
                (claimer, stamp, run_id),
            )
    return [row for row in (run_row(run_id, store) for run_id in ids) if row is not None]
