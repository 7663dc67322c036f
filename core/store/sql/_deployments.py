"""Work pools, deployments, their flow runs and workers, in SQL.

A deployment's flow runs are ordinary `flow_runs` rows (Scheduled until someone runs them)
plus a `deployment_runs` row saying when each is due and who claimed it. Schedule-made runs
are unique per (deployment, time), so any number of schedulers agree. A claim flips a run
from Scheduled to Pending with a conditional UPDATE, so two claimers never both get it; on
PostgreSQL the candidates are read with `FOR UPDATE SKIP LOCKED` so claimers do not queue.
"""

from __future__ import annotations

import json
import time
from typing import Any

from headrace.exceptions import ObjectAlreadyExists
from headrace.run_records import new_run_id
from headrace.store.interface import DeploymentRecord, FlowRunRow, WorkerRow, WorkPoolRow
from headrace.store.sql._runs import FLOW_RUN_COLUMNS, FLOW_RUN_FROM, INSERT_STATE, flow_run_row
from headrace.utilities.names import generate_slug

_DEPLOYMENT_COLUMNS = (
    "id, name, flow_name, path, entrypoint, work_pool_name, parameters, parameter_names, tags,"
    " description, version, schedules, paused, created, updated"
)
_WORKER_COLUMNS = "id, name, work_pool_name, pid, started, heartbeat, stopped"


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
        created=row["created"],
        updated=row["updated"],
    )


def _drop_unstarted(tx: Any, deployment_id: str, requested_too: bool) -> int:
    sql = (
        "SELECT d.flow_run_id AS id FROM deployment_runs d JOIN flow_runs f"
        " ON f.id = d.flow_run_id WHERE d.deployment_id = ? AND f.state_type = 'SCHEDULED'"
    )
    if not requested_too:
        sql += " AND d.auto_scheduled = 1"
    ids = [row["id"] for row in tx.query(sql, (deployment_id,))]
    for run_id in ids:
        tx.execute("DELETE FROM deployment_runs WHERE flow_run_id = ?", (run_id,))
        tx.execute("DELETE FROM flow_runs WHERE id = ?", (run_id,))
        tx.execute("DELETE FROM run_states WHERE run_id = ?", (run_id,))
    return len(ids)


class SqlDeployments:
    """`DeploymentRepository` over a SQL database."""

    def __init__(self, database: Any) -> None:
        self._db = database

    # -- work pools ----------------------------------------------------------------------
    def create_work_pool(self, name: str, type: str, overwrite: bool) -> WorkPoolRow:
        sql = "INSERT INTO work_pools (name, type, created) VALUES (?, ?, ?) ON CONFLICT(name) DO "
        sql += "UPDATE SET type = excluded.type" if overwrite else "NOTHING"
        if not self._db.execute(sql, (name, type, time.time())):
            raise ObjectAlreadyExists(f"work pool {name!r} already exists")
        row = self.read_work_pool(name)
        assert row is not None
        return row

    def read_work_pool(self, name: str) -> WorkPoolRow | None:
        rows = self._db.query("SELECT name, type, created FROM work_pools WHERE name = ?", (name,))
        return dict(rows[0]) if rows else None  # type: ignore[return-value]

    def list_work_pools(self) -> list[WorkPoolRow]:
        rows = self._db.query("SELECT name, type, created FROM work_pools ORDER BY name")
        return [dict(row) for row in rows]  # type: ignore[misc]

    def delete_work_pool(self, name: str) -> bool:
        return self._db.execute("DELETE FROM work_pools WHERE name = ?", (name,)) > 0

    # -- deployments ---------------------------------------------------------------------
    def save(self, record: DeploymentRecord) -> DeploymentRecord:
        now = time.time()
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
        with self._db.transaction() as tx:
            rows = tx.query(
                "SELECT id, schedules FROM deployments WHERE flow_name = ? AND name = ?"
                + self._db.for_update,
                (record.flow_name, record.name),
            )
            record.id = rows[0]["id"] if rows else record.id or new_run_id()
            if rows:
                tx.execute(
                    "UPDATE deployments SET path = ?, entrypoint = ?, work_pool_name = ?,"
                    " parameters = ?, parameter_names = ?, tags = ?, description = ?,"
                    " version = ?, schedules = ?, paused = ?, updated = ? WHERE id = ?",
                    (*values, now, record.id),
                )
                if rows[0]["schedules"] != values[8]:
                    _drop_unstarted(tx, record.id, requested_too=False)
            else:
                tx.execute(
                    "INSERT INTO deployments (id, name, flow_name, path, entrypoint,"
                    " work_pool_name, parameters, parameter_names, tags, description, version,"
                    " schedules, paused, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (record.id, record.name, record.flow_name, *values, now, now),
                )
        saved = self.read(record.id)
        assert saved is not None
        return saved

    def read(self, deployment_id: str) -> DeploymentRecord | None:
        rows = self._db.query(
            f"SELECT {_DEPLOYMENT_COLUMNS} FROM deployments WHERE id = ?", (deployment_id,)
        )
        return _deployment(rows[0]) if rows else None

    def read_by_name(self, flow_name: str, name: str) -> DeploymentRecord | None:
        rows = self._db.query(
            f"SELECT {_DEPLOYMENT_COLUMNS} FROM deployments WHERE flow_name = ? AND name = ?",
            (flow_name, name),
        )
        return _deployment(rows[0]) if rows else None

    def list(
        self, work_pool_name: str | None = None, flow_names: list[str] | None = None
    ) -> list[DeploymentRecord]:
        where, params = [], []
        if work_pool_name is not None:
            where.append("work_pool_name = ?")
            params.append(work_pool_name)
        if flow_names is not None:
            where.append(f"flow_name IN ({','.join('?' * len(flow_names)) or 'NULL'})")
            params.extend(flow_names)
        sql = f"SELECT {_DEPLOYMENT_COLUMNS} FROM deployments"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [
            _deployment(row) for row in self._db.query(sql + " ORDER BY flow_name, name", params)
        ]

    def delete(self, deployment_id: str) -> bool:
        with self._db.transaction() as tx:
            _drop_unstarted(tx, deployment_id, requested_too=True)
            return tx.execute("DELETE FROM deployments WHERE id = ?", (deployment_id,)) > 0

    def set_paused(self, deployment_id: str, paused: bool) -> bool:
        return (
            self._db.execute(
                "UPDATE deployments SET paused = ?, updated = ? WHERE id = ?",
                (int(paused), time.time(), deployment_id),
            )
            > 0
        )

    # -- flow runs of deployments --------------------------------------------------------
    def _insert_run(
        self,
        tx: Any,
        deployment: DeploymentRecord,
        parameters: dict[str, Any],
        scheduled_time: float,
        auto_scheduled: bool,
        state: tuple[str, str, str | None],
        name: str | None = None,
        tags: list[str] | None = None,
    ) -> str | None:
        run_id = new_run_id()
        if not tx.execute(
            "INSERT INTO deployment_runs (flow_run_id, deployment_id, scheduled_time,"
            " auto_scheduled) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (run_id, deployment.id, scheduled_time, int(auto_scheduled)),
        ):
            return None
        now = time.time()
        tx.execute(
            "INSERT INTO flow_runs (id, name, flow_name, flow_version, parameters, tags,"
            " state_type, state_name, state_message, created, deployment_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                name or generate_slug(),
                deployment.flow_name,
                deployment.version,
                json.dumps(parameters, default=repr),
                json.dumps(sorted({*deployment.tags, *(tags or ())})),
                *state,
                now,
                deployment.id,
            ),
        )
        tx.execute(INSERT_STATE, (run_id, *state, now))
        return run_id

    def create_flow_run(
        self,
        deployment: DeploymentRecord,
        parameters: dict[str, Any],
        scheduled_time: float,
        state: tuple[str, str, str | None] = ("SCHEDULED", "Scheduled", None),
        name: str | None = None,
        tags: list[str] | None = None,
    ) -> str:
        with self._db.transaction() as tx:
            run_id = self._insert_run(
                tx, deployment, parameters, scheduled_time, False, state, name, tags
            )
        assert run_id is not None
        return run_id

    def create_scheduled_runs(
        self, deployment: DeploymentRecord, slots: list[tuple[float, dict[str, Any]]]
    ) -> list[str]:
        created = []
        state = ("SCHEDULED", "Scheduled", None)
        with self._db.transaction() as tx:
            for scheduled_time, parameters in slots:
                run_id = self._insert_run(tx, deployment, parameters, scheduled_time, True, state)
                if run_id is not None:
                    created.append(run_id)
        return created

    def drop_unstarted_runs(self, deployment_id: str, requested_too: bool = False) -> int:
        with self._db.transaction() as tx:
            return _drop_unstarted(tx, deployment_id, requested_too)

    def deployment_runs(self, deployment_id: str) -> list[FlowRunRow]:
        self._db.flush()
        rows = self._db.query(
            f"SELECT {FLOW_RUN_COLUMNS}{FLOW_RUN_FROM} WHERE d.deployment_id = ?"
            " ORDER BY d.scheduled_time, f.created",
            (deployment_id,),
        )
        return [flow_run_row(row) for row in rows]

    def next_scheduled_time(self, deployment_ids: list[str]) -> float | None:
        if not deployment_ids:
            return None
        marks = ",".join("?" * len(deployment_ids))
        rows = self._db.query(
            "SELECT MIN(d.scheduled_time) AS t FROM deployment_runs d JOIN flow_runs f"
            f" ON f.id = d.flow_run_id WHERE f.state_type = 'SCHEDULED'"
            f" AND d.deployment_id IN ({marks})",
            deployment_ids,
        )
        return rows[0]["t"]

    def skip_missed_runs(self, deployment_ids: list[str], now: float) -> int:
        if not deployment_ids:
            return 0
        marks = ",".join("?" * len(deployment_ids))
        message = "Skipped: a later run of the same schedule was also due (missed-run policy)"
        with self._db.transaction() as tx:
            rows = tx.query(
                "SELECT d.flow_run_id AS id, d.deployment_id AS deployment_id"
                " FROM deployment_runs d JOIN flow_runs f ON f.id = d.flow_run_id"
                " WHERE d.auto_scheduled = 1 AND f.state_type = 'SCHEDULED'"
                f" AND d.scheduled_time <= ? AND d.deployment_id IN ({marks})"
                " ORDER BY d.scheduled_time DESC",
                (now, *deployment_ids),
            )
            latest_kept: set[str] = set()
            skipped = 0
            for row in rows:
                if row["deployment_id"] in latest_kept and tx.execute(
                    "UPDATE flow_runs SET state_type = 'CANCELLED', state_name = 'Cancelled',"
                    " state_message = ?, end_time = ? WHERE id = ? AND state_type = 'SCHEDULED'",
                    (message, now, row["id"]),
                ):
                    tx.execute(INSERT_STATE, (row["id"], "CANCELLED", "Cancelled", message, now))
                    skipped += 1
                latest_kept.add(row["deployment_id"])
        return skipped

    def claim_due_runs(
        self, deployment_ids: list[str], claimer: str, now: float, limit: int | None, process: str
    ) -> list[FlowRunRow]:
        if not deployment_ids or (limit is not None and limit <= 0):
            return []
        marks = ",".join("?" * len(deployment_ids))
        sql = (
            "SELECT d.flow_run_id AS id FROM deployment_runs d JOIN flow_runs f"
            " ON f.id = d.flow_run_id WHERE f.state_type = 'SCHEDULED'"
            f" AND d.scheduled_time <= ? AND d.deployment_id IN ({marks})"
            " ORDER BY d.scheduled_time"
        )
        params: list[Any] = [now, *deployment_ids]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        sql += self._db.for_update_skip_locked
        stamp = time.time()
        claimed = []
        with self._db.transaction() as tx:
            for row in tx.query(sql, params):
                run_id = row["id"]
                if not tx.execute(
                    "UPDATE flow_runs SET state_type = 'PENDING', state_name = 'Pending',"
                    " state_message = NULL, process = ? WHERE id = ? AND state_type = 'SCHEDULED'",
                    (process, run_id),
                ):
                    continue  # another claimer was first
                tx.execute(INSERT_STATE, (run_id, "PENDING", "Pending", None, stamp))
                tx.execute(
                    "UPDATE deployment_runs SET worker_id = ?, claimed = ? WHERE flow_run_id = ?",
                    (claimer, stamp, run_id),
                )
                claimed.append(run_id)
        if not claimed:
            return []
        marks = ",".join("?" * len(claimed))
        rows = self._db.query(
            f"SELECT {FLOW_RUN_COLUMNS}{FLOW_RUN_FROM} WHERE f.id IN ({marks})"
            " ORDER BY d.scheduled_time",
            claimed,
        )
        return [flow_run_row(row) for row in rows]

    # -- workers -------------------------------------------------------------------------
    def register_worker(self, worker_id: str, name: str, work_pool_name: str, pid: int) -> None:
        now = time.time()
        self._db.execute(
            "INSERT INTO workers (id, name, work_pool_name, pid, started, heartbeat)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET heartbeat = excluded.heartbeat, stopped = NULL",
            (worker_id, name, work_pool_name, pid, now, now),
        )

    def heartbeat_worker(self, worker_id: str) -> None:
        self._db.execute(
            "UPDATE workers SET heartbeat = ?, stopped = NULL WHERE id = ?",
            (time.time(), worker_id),
        )

    def stop_worker(self, worker_id: str) -> None:
        self._db.execute("UPDATE workers SET stopped = ? WHERE id = ?", (time.time(), worker_id))

    def list_workers(self, work_pool_name: str | None = None) -> list[WorkerRow]:
        sql = f"SELECT {_WORKER_COLUMNS} FROM workers"
        params: tuple[Any, ...] = ()
        if work_pool_name is not None:
            sql += " WHERE work_pool_name = ?"
            params = (work_pool_name,)
        rows = self._db.query(sql + " ORDER BY work_pool_name, started", params)
        return [dict(row) for row in rows]  # type: ignore[misc]

    def silent_workers(self, silent_since: float) -> list[WorkerRow]:
        rows = self._db.query(
            f"SELECT {_WORKER_COLUMNS} FROM workers WHERE stopped IS NULL AND heartbeat < ?",
            (silent_since,),
        )
        return [dict(row) for row in rows]  # type: ignore[misc]

    def worker_unfinished_runs(self, worker_id: str) -> list[str]:
        rows = self._db.query(
            "SELECT d.flow_run_id AS id FROM deployment_runs d JOIN flow_runs f"
            " ON f.id = d.flow_run_id WHERE d.worker_id = ? AND f.state_type IN"
            " ('PENDING', 'RUNNING')",
            (worker_id,),
        )
        return [row["id"] for row in rows]
