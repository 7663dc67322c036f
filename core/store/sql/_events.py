"""Events, webhooks and automations in SQL.

Events are appended through the batching writer (an event emitted in a flow costs what a
run record costs); their insertion order (`rowid`) is the cursor the automation evaluator
reads by. The evaluator's lease, cursor and the automations' trigger state live in one
row (`automation_evaluator`), changed only in transactions that first check the lease:
an evaluator that lost its lease can commit nothing, so each event is evaluated once.
"""

from __future__ import annotations

import json
import time
from typing import Any

from headrace.exceptions import ObjectAlreadyExists, ObjectNotFound
from headrace.run_records import new_run_id
from headrace.store.interface import (
    AutomationRow,
    EventQuery,
    EventRow,
    FiringRow,
    LeaseLost,
    WebhookRow,
)
from headrace.store.sql.schema import register_schema

_EVENTS_V1 = """
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    occurred REAL NOT NULL,
    event TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    body TEXT NOT NULL,
    related_ids TEXT NOT NULL DEFAULT '',
    received REAL NOT NULL
);
CREATE INDEX events_occurred ON events (occurred);
CREATE INDEX events_event ON events (event, occurred);
CREATE INDEX events_resource ON events (resource_id, occurred);
CREATE TABLE webhooks (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    template TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created REAL NOT NULL
)
"""

_AUTOMATIONS_V1 = """
CREATE TABLE automations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    owner_resource TEXT,
    spec TEXT NOT NULL,
    state TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    fired_count INTEGER NOT NULL DEFAULT 0,
    last_fired REAL,
    last_error TEXT,
    last_error_at REAL
);
CREATE INDEX automations_owner ON automations (owner_resource);
CREATE TABLE automation_firings (
    id TEXT PRIMARY KEY,
    automation_id TEXT NOT NULL,
    action_index INTEGER NOT NULL,
    action_type TEXT NOT NULL,
    action TEXT NOT NULL,
    event_id TEXT,
    context TEXT NOT NULL,
    fired REAL NOT NULL,
    status TEXT NOT NULL,
    holder TEXT,
    error TEXT,
    finished REAL
);
CREATE INDEX automation_firings_status ON automation_firings (status);
CREATE INDEX automation_firings_automation ON automation_firings (automation_id, fired);
CREATE TABLE automation_evaluator (
    name TEXT PRIMARY KEY,
    holder TEXT,
    expires REAL NOT NULL,
    cursor INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE work_pool_pauses (name TEXT PRIMARY KEY, paused REAL NOT NULL)
"""

register_schema("events", [_EVENTS_V1])
register_schema("automations", [_AUTOMATIONS_V1])

_dumps = json.JSONEncoder(separators=(",", ":"), default=str).encode

INSERT_EVENT = (
    "INSERT INTO events (id, occurred, event, resource_id, body, related_ids, received)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING"
)
_EVENT_COLUMNS = "rowid AS seq, id, occurred, event, resource_id, body, received"


def event_row(row: Any) -> EventRow:
    body = json.loads(row["body"])
    return {
        "id": row["id"],
        "occurred": row["occurred"],
        "event": row["event"],
        "resource": body.get("resource") or {"prefect.resource.id": row["resource_id"]},
        "related": body.get("related") or [],
        "payload": body.get("payload") or {},
        "follows": body.get("follows"),
        "received": row["received"],
    }


def event_params(event: EventRow) -> tuple[Any, ...]:
    """The INSERT parameters of a stored event."""
    body = _dumps(
        {
            "resource": event["resource"],
            "related": event["related"],
            "payload": event["payload"],
            "follows": event["follows"],
        }
    )
    related_ids = related_id_text(event["related"])
    resource_id = event["resource"]["prefect.resource.id"]
    return (event["id"], event["occurred"], event["event"], resource_id, body, related_ids,
            event["received"])  # fmt: skip


def related_id_text(related: list[dict[str, str]]) -> str:
    """The related resources' ids as the `related_ids` column keeps them (space-bounded)."""
    ids = [r.get("prefect.resource.id", "") for r in related]
    return f" {' '.join(ids)} " if ids else ""


def _like(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _patterns(column: str, patterns: list[str], params: list[Any]) -> str:
    parts = []
    for pattern in patterns:
        if pattern.endswith("*"):
            parts.append(f"{column} LIKE ? ESCAPE '\\'")
            params.append(_like(pattern[:-1]))
        else:
            parts.append(f"{column} = ?")
            params.append(pattern)
    return "(" + " OR ".join(parts or ["1 = 0"]) + ")"


def _where(query: EventQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.names is not None:
        clauses.append(_patterns("event", query.names, params))
    if query.resource_ids is not None:
        clauses.append(_patterns("resource_id", query.resource_ids, params))
    if query.related_resource_ids is not None:
        parts = []
        for related in query.related_resource_ids:
            parts.append("related_ids LIKE ? ESCAPE '\\'")
            params.append("%" + _like(f" {related} "))
        clauses.append("(" + " OR ".join(parts or ["1 = 0"]) + ")")
    if query.occurred_after is not None:
        clauses.append("occurred >= ?")
        params.append(query.occurred_after)
    if query.occurred_before is not None:
        clauses.append("occurred <= ?")
        params.append(query.occurred_before)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _webhook(row: Any) -> WebhookRow:
    return {
        "slug": row["slug"],
        "name": row["name"],
        "description": row["description"],
        "template": row["template"],
        "enabled": bool(row["enabled"]),
        "created": row["created"],
    }


class SqlEvents:
    """`EventRepository` over a SQL database."""

    def __init__(self, database: Any) -> None:
        self._db = database
        self._enqueue = database.enqueue

    def record_event(
        self,
        event_id: str,
        occurred: float,
        name: str,
        resource_id: str,
        body: str,
        related_ids: str,
    ) -> None:
        self._enqueue(
            INSERT_EVENT, (event_id, occurred, name, resource_id, body, related_ids, time.time())
        )

    def write_events(self, events: list[EventRow]) -> int:
        rows = [event_params(event) for event in events]
        if rows:
            with self._db.transaction() as tx:
                tx.executemany(INSERT_EVENT, rows)
        return len(rows)

    def read_events(self, query: EventQuery) -> list[EventRow]:
        self._db.flush()
        where, params = _where(query)
        order = "DESC" if query.sort == "occurred_desc" else "ASC"
        sql = f"SELECT {_EVENT_COLUMNS} FROM events{where} ORDER BY occurred {order}, rowid {order}"
        if query.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(query.limit), int(query.offset)]
        elif query.offset:
            sql += " LIMIT -1 OFFSET ?" if self._db.dialect == "sqlite" else " OFFSET ?"
            params.append(int(query.offset))
        return [event_row(row) for row in self._db.query(sql, params)]

    def count_events(self, query: EventQuery) -> int:
        self._db.flush()
        where, params = _where(query)
        return self._db.query(f"SELECT COUNT(*) AS n FROM events{where}", params)[0]["n"]

    def events_after(self, seq: int, limit: int) -> list[tuple[int, EventRow]]:
        """Events stored after position `seq`, in the order they were stored (the
        evaluator's cursor)."""
        rows = self._db.query(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (seq, limit),
        )
        return [(row["seq"], event_row(row)) for row in rows]

    def delete_older_than(self, occurred: float, below_seq: int) -> int:
        """Retention: drop events that happened before `occurred` and that the evaluator
        has read (position below `below_seq`)."""
        return self._db.execute(
            "DELETE FROM events WHERE occurred < ? AND rowid < ?", (occurred, below_seq)
        )

    # -- webhooks ------------------------------------------------------------------------
    def save_webhook(self, webhook: WebhookRow, overwrite: bool) -> WebhookRow:
        sql = (
            "INSERT INTO webhooks (slug, name, description, template, enabled, created)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(slug) DO "
        )
        sql += (
            "UPDATE SET name = excluded.name, description = excluded.description,"
            " template = excluded.template, enabled = excluded.enabled"
            if overwrite
            else "NOTHING"
        )
        params = (webhook["slug"], webhook["name"], webhook["description"], webhook["template"],
                  int(webhook["enabled"]), webhook.get("created") or time.time())  # fmt: skip
        if not self._db.execute(sql, params):
            raise ObjectAlreadyExists(
                f"webhook {webhook['slug']!r} already exists; pass overwrite to replace it"
            )
        saved = self.read_webhook(webhook["slug"])
        assert saved is not None
        return saved

    def read_webhook(self, slug: str) -> WebhookRow | None:
        rows = self._db.query("SELECT * FROM webhooks WHERE slug = ?", (slug,))
        return _webhook(rows[0]) if rows else None

    def list_webhooks(self) -> list[WebhookRow]:
        return [_webhook(row) for row in self._db.query("SELECT * FROM webhooks ORDER BY slug")]

    def delete_webhook(self, slug: str) -> bool:
        return self._db.execute("DELETE FROM webhooks WHERE slug = ?", (slug,)) > 0


_AUTOMATION_COLUMNS = (
    "id, name, enabled, owner_resource, spec, created, updated, fired_count, last_fired,"
    " last_error, last_error_at"
)


def automation_row(row: Any) -> AutomationRow:
    spec = json.loads(row["spec"])
    return {
        "id": row["id"],
        "name": row["name"],
        "description": spec.get("description", ""),
        "enabled": bool(row["enabled"]),
        "tags": spec.get("tags", []),
        "trigger": spec["trigger"],
        "actions": spec["actions"],
        "actions_on_trigger": spec.get("actions_on_trigger", []),
        "actions_on_resolve": spec.get("actions_on_resolve", []),
        "owner_resource": row["owner_resource"],
        "created": row["created"],
        "updated": row["updated"],
        "fired_count": row["fired_count"],
        "last_fired": row["last_fired"],
        "last_error": row["last_error"],
        "last_error_at": row["last_error_at"],
    }


def _firing(row: Any) -> FiringRow:
    return {
        "id": row["id"],
        "automation_id": row["automation_id"],
        "action_index": row["action_index"],
        "action_type": row["action_type"],
        "event_id": row["event_id"],
        "fired": row["fired"],
        "status": row["status"],
        "error": row["error"],
        "finished": row["finished"],
    }


def _spec_text(spec: dict[str, Any]) -> str:
    return json.dumps(spec, separators=(",", ":"), default=str)


class SqlAutomations:
    """`AutomationRepository` over a SQL database, plus what the evaluator needs."""

    def __init__(self, database: Any) -> None:
        self._db = database

    def create(self, spec: dict[str, Any]) -> AutomationRow:
        automation_id = new_run_id()
        now = time.time()
        self._db.execute(
            "INSERT INTO automations (id, name, enabled, owner_resource, spec, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                automation_id,
                spec["name"],
                int(spec.get("enabled", True)),
                spec.get("owner_resource"),
                _spec_text(spec),
                now,
                now,
            ),  # fmt: skip
        )
        row = self.read(automation_id)
        assert row is not None
        return row

    def read(self, automation_id: str) -> AutomationRow | None:
        rows = self._db.query(
            f"SELECT {_AUTOMATION_COLUMNS} FROM automations WHERE id = ?", (automation_id,)
        )
        if not rows and automation_id and "%" not in automation_id:
            rows = self._db.query(
                f"SELECT {_AUTOMATION_COLUMNS} FROM automations WHERE id LIKE ? LIMIT 2",
                (automation_id + "%",),
            )
            rows = rows if len(rows) == 1 else []
        return automation_row(rows[0]) if rows else None

    def list(
        self, name: str | None = None, owner_resource: str | None = None
    ) -> list[AutomationRow]:
        sql = f"SELECT {_AUTOMATION_COLUMNS} FROM automations"
        clauses, params = [], []
        if name is not None:
            clauses.append("name = ?")
            params.append(name)
        if owner_resource is not None:
            clauses.append("owner_resource = ?")
            params.append(owner_resource)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY name, created"
        return [automation_row(row) for row in self._db.query(sql, params)]

    def replace(self, automation_id: str, spec: dict[str, Any]) -> AutomationRow:
        changed = self._db.execute(
            "UPDATE automations SET name = ?, enabled = ?, owner_resource = ?, spec = ?,"
            " state = NULL, updated = ? WHERE id = ?",
            (
                spec["name"],
                int(spec.get("enabled", True)),
                spec.get("owner_resource"),
                _spec_text(spec),
                time.time(),
                automation_id,
            ),  # fmt: skip
        )
        if not changed:
            raise ObjectNotFound(f"automation {automation_id!r} not found")
        row = self.read(automation_id)
        assert row is not None
        return row

    def set_enabled(self, automation_id: str, enabled: bool) -> bool:
        return (
            self._db.execute(
                "UPDATE automations SET enabled = ?, state = NULL, updated = ? WHERE id = ?",
                (int(enabled), time.time(), automation_id),
            )
            > 0
        )

    def delete(self, automation_id: str) -> bool:
        with self._db.transaction() as tx:
            tx.execute("DELETE FROM automation_firings WHERE automation_id = ?", (automation_id,))
            return tx.execute("DELETE FROM automations WHERE id = ?", (automation_id,)) > 0

    def delete_owned(self, owner_resource: str) -> int:
        ids = [row["id"] for row in self.list(owner_resource=owner_resource)]
        return sum(self.delete(automation_id) for automation_id in ids)

    def firings(self, automation_id: str, limit: int = 50) -> list[FiringRow]:
        rows = self._db.query(
            "SELECT * FROM automation_firings WHERE automation_id = ?"
            " ORDER BY fired DESC, action_index DESC LIMIT ?",
            (automation_id, int(limit)),
        )
        return [_firing(row) for row in rows]

    def set_work_pool_paused(self, name: str, paused: bool) -> bool:
        if paused:
            sql = (
                "INSERT INTO work_pool_pauses (name, paused) VALUES (?, ?)"
                " ON CONFLICT(name) DO NOTHING"
            )
            return self._db.execute(sql, (name, time.time())) > 0
        return self._db.execute("DELETE FROM work_pool_pauses WHERE name = ?", (name,)) > 0

    def paused_work_pools(self) -> list[str]:
        rows = self._db.query("SELECT name FROM work_pool_pauses ORDER BY name")
        return [row["name"] for row in rows]

    # -- the evaluator -----------------------------------------------------------------------
    def take_lease(self, name: str, holder: str, seconds: float) -> int | None:
        """Take or renew the evaluator lease `name`; returns the cursor, or None while
        another holder's lease is live."""
        now = time.time()
        with self._db.transaction() as tx:
            tx.execute(
                "INSERT INTO automation_evaluator (name, holder, expires, cursor)"
                " VALUES (?, NULL, 0, 0) ON CONFLICT(name) DO NOTHING",
                (name,),
            )
            taken = tx.execute(
                "UPDATE automation_evaluator SET holder = ?, expires = ?"
                " WHERE name = ? AND (holder = ? OR holder IS NULL OR expires < ?)",
                (holder, now + seconds, name, holder, now),
            )
            if not taken:
                return None
            return tx.query("SELECT cursor FROM automation_evaluator WHERE name = ?", (name,))[0][
                "cursor"
            ]

    def release_lease(self, name: str, holder: str) -> None:
        self._db.execute(
            "UPDATE automation_evaluator SET holder = NULL, expires = 0"
            " WHERE name = ? AND holder = ?",
            (name, holder),
        )

    def _check_lease(self, tx: Any, name: str, holder: str) -> None:
        live = tx.query(
            f"SELECT holder, expires FROM automation_evaluator WHERE name = ?{self._db.for_update}",
            (name,),
        )
        if not live or live[0]["holder"] != holder or live[0]["expires"] < time.time():
            raise LeaseLost(name)

    def evaluator_view(self) -> list[tuple[AutomationRow, Any]]:
        """Every enabled automation with its trigger state (None: fresh)."""
        rows = self._db.query(
            f"SELECT {_AUTOMATION_COLUMNS}, state FROM automations WHERE enabled = 1"
            " ORDER BY created"
        )
        return [(automation_row(row), json.loads(row["state"] or "null")) for row in rows]

    def commit_evaluation(
        self,
        name: str,
        holder: str,
        cursor: int,
        states: dict[str, Any],
        firings: list[dict[str, Any]],
    ) -> None:
        """In one transaction, if the lease is still held: the new cursor, the changed
        trigger states and the firings' actions (pending). LeaseLost otherwise."""
        now = time.time()
        with self._db.transaction() as tx:
            self._check_lease(tx, name, holder)
            tx.execute("UPDATE automation_evaluator SET cursor = ? WHERE name = ?", (cursor, name))
            for automation_id, state in states.items():
                tx.execute(
                    "UPDATE automations SET state = ? WHERE id = ?",
                    (json.dumps(state, separators=(",", ":")), automation_id),
                )
            for firing in firings:
                for index, action in enumerate(firing["actions"]):
                    tx.execute(
                        "INSERT INTO automation_firings (id, automation_id, action_index,"
                        " action_type, action, event_id, context, fired, status)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')"
                        " ON CONFLICT(id) DO NOTHING",
                        (
                            f"{firing['id']}:{index}",
                            firing["automation_id"],
                            index,
                            action.get("type", "?"),
                            json.dumps(action),
                            firing.get("event_id"),
                            json.dumps(firing["context"], default=str),
                            now,
                        ),  # fmt: skip
                    )
                tx.execute(
                    "UPDATE automations SET fired_count = fired_count + 1, last_fired = ?"
                    " WHERE id = ?",
                    (now, firing["automation_id"]),
                )

    def claim_actions(
        self, name: str, holder: str, limit: int = 50, takeover: bool = False
    ) -> list[dict[str, Any]]:
        """Mark up to `limit` pending actions running for `holder`, oldest first, and
        return them; with `takeover` (the lease just changed hands) also those left
        running by an earlier holder, which did not say whether they took effect."""
        running = "status = 'running'" if takeover else "(status = 'running' AND holder != ?)"
        params: tuple[Any, ...] = (int(limit),) if takeover else (holder, int(limit))
        with self._db.transaction() as tx:
            self._check_lease(tx, name, holder)
            rows = tx.query(
                "SELECT id, automation_id, action_index, action, context, status, holder"
                f" FROM automation_firings WHERE status = 'pending' OR {running}"
                " ORDER BY fired, id LIMIT ?",
                params,
            )
            for row in rows:
                tx.execute(
                    "UPDATE automation_firings SET status = 'running', holder = ? WHERE id = ?",
                    (holder, row["id"]),
                )
        return [
            {
                "id": row["id"],
                "automation_id": row["automation_id"],
                "action_index": row["action_index"],
                "action": json.loads(row["action"]),
                "context": json.loads(row["context"]),
                "interrupted": row["status"] == "running",
            }
            for row in rows
        ]

    def finish_action(self, firing_id: str, automation_id: str, error: str | None) -> None:
        """Record an action's outcome (an error also on the automation, for CLI and UI)."""
        now = time.time()
        with self._db.transaction() as tx:
            tx.execute(
                "UPDATE automation_firings SET status = ?, error = ?, finished = ?, holder = NULL"
                " WHERE id = ?",
                ("failed" if error else "done", error, now, firing_id),
            )
            if error:
                tx.execute(
                    "UPDATE automations SET last_error = ?, last_error_at = ? WHERE id = ?",
                    (error, now, automation_id),
                )


__all__ = [
    "INSERT_EVENT",
    "LeaseLost",
    "SqlAutomations",
    "SqlEvents",
    "automation_row",
    "event_params",
    "event_row",
    "related_id_text",
]
