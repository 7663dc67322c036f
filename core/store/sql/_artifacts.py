"""Artifacts in SQL: one row per artifact, numbered per key so that a key keeps its history.

A key's next version is taken inside the inserting transaction and guarded by a unique
index, so two processes publishing under one key at once get consecutive versions (the
loser of a race retries) instead of a duplicate.
"""

from __future__ import annotations

import json
import time
from typing import Any

from headrace.exceptions import ObjectNotFound
from headrace.run_records import new_run_id
from headrace.store.interface import ArtifactQuery, ArtifactRow
from headrace.store.sql._runs import like_escape
from headrace.store.sql.schema import register_schema

_ARTIFACTS_V1 = """
CREATE TABLE artifacts (
    id TEXT PRIMARY KEY,
    key TEXT,
    version INTEGER,
    type TEXT,
    description TEXT,
    data TEXT,
    metadata TEXT,
    flow_run_id TEXT,
    task_run_id TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE UNIQUE INDEX artifacts_key_version ON artifacts (key, version);
CREATE INDEX artifacts_key_updated ON artifacts (key, updated);
CREATE INDEX artifacts_created ON artifacts (created);
CREATE INDEX artifacts_flow_run ON artifacts (flow_run_id);
CREATE INDEX artifacts_task_run ON artifacts (task_run_id)
"""

register_schema("artifacts", [_ARTIFACTS_V1])

_COLUMNS = (
    "id, key, version, type, description, data, metadata, flow_run_id, task_run_id,"
    " created, updated"
)

_MARKS = ", ".join("?" * 11)

_ORDER = {
    "created_desc": "created DESC, rowid DESC",
    "created_asc": "created, rowid",
    "updated_desc": "updated DESC, rowid DESC",
    "key_asc": "key, version DESC",
    "key_desc": "key DESC, version DESC",
}

#: how often a create retries after losing a key's next version to another process
_VERSION_RETRIES = 20


def _row(row: Any) -> ArtifactRow:
    metadata = row["metadata"]
    return {
        "id": row["id"],
        "key": row["key"],
        "version": row["version"],
        "type": row["type"],
        "description": row["description"],
        "data": json.loads(row["data"]) if row["data"] is not None else None,
        "metadata": json.loads(metadata) if metadata else None,
        "flow_run_id": row["flow_run_id"],
        "task_run_id": row["task_run_id"],
        "created": row["created"],
        "updated": row["updated"],
    }


def _encode(data: Any) -> str:
    try:
        return json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"artifact data must be JSON: {exc}") from None


def _is_duplicate(exc: BaseException) -> bool:
    # sqlite3.IntegrityError and psycopg's UniqueViolation (an IntegrityError) alike
    return any(cls.__name__ == "IntegrityError" for cls in type(exc).__mro__)


def _in(column: str, values: list[str], where: list[str], params: list[Any]) -> None:
    if not values:
        where.append("1 = 0")
        return
    where.append(f"{column} IN ({','.join('?' * len(values))})")
    params.extend(values)


def _where(query: ArtifactQuery) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if query.ids is not None:
        _in("id", query.ids, where, params)
    if query.keys is not None:
        _in("key", query.keys, where, params)
    if query.key_like:
        where.append("LOWER(key) LIKE ? ESCAPE '\\'")
        params.append(f"%{like_escape(query.key_like.lower())}%")
    if query.key_exists is not None:
        where.append("key IS NOT NULL" if query.key_exists else "key IS NULL")
    if query.types is not None:
        _in("type", query.types, where, params)
    if query.exclude_types:
        marks = ",".join("?" * len(query.exclude_types))
        where.append(f"(type IS NULL OR type NOT IN ({marks}))")
        params.extend(query.exclude_types)
    if query.flow_run_ids is not None:
        _in("flow_run_id", query.flow_run_ids, where, params)
    if query.task_run_ids is not None:
        _in("task_run_id", query.task_run_ids, where, params)
    if query.latest_only:
        where.append(
            "key IS NOT NULL AND version ="
            " (SELECT MAX(v.version) FROM artifacts v WHERE v.key = artifacts.key)"
        )
    return (" WHERE " + " AND ".join(where)) if where else "", params


class SqlArtifacts:
    """`ArtifactRepository` over a SQL database."""

    def __init__(self, database: Any) -> None:
        self._db = database

    def create(
        self,
        key: str | None,
        type: str | None,
        description: str | None,
        data: Any,
        metadata: dict[str, str] | None,
        flow_run_id: str | None,
        task_run_id: str | None,
    ) -> ArtifactRow:
        artifact_id = new_run_id()
        encoded = _encode(data)
        meta = json.dumps(metadata) if metadata else None
        for attempt in range(_VERSION_RETRIES):
            now = time.time()
            try:
                with self._db.transaction() as tx:
                    version = None
                    if key is not None:
                        rows = tx.query(
                            "SELECT MAX(version) AS v FROM artifacts WHERE key = ?", (key,)
                        )
                        version = (rows[0]["v"] or 0) + 1
                    tx.execute(
                        f"INSERT INTO artifacts ({_COLUMNS}) VALUES ({_MARKS})",
                        (artifact_id, key, version, type, description, encoded, meta,
                         flow_run_id, task_run_id, now, now),
                    )  # fmt: skip
                break
            except self._db.errors as exc:
                # another process took this version of the key first: read the next one
                if key is None or not _is_duplicate(exc) or attempt == _VERSION_RETRIES - 1:
                    raise
        # the row as stored, without reading it back
        return {
            "id": artifact_id,
            "key": key,
            "version": version,
            "type": type,
            "description": description,
            "data": json.loads(encoded),
            "metadata": json.loads(meta) if meta else None,
            "flow_run_id": flow_run_id,
            "task_run_id": task_run_id,
            "created": now,
            "updated": now,
        }

    def read(self, artifact_id: str) -> ArtifactRow | None:
        rows = self._db.query(f"SELECT {_COLUMNS} FROM artifacts WHERE id = ?", (artifact_id,))
        if not rows and artifact_id:
            rows = self._db.query(
                f"SELECT {_COLUMNS} FROM artifacts WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                (like_escape(artifact_id) + "%",),
            )
        return _row(rows[0]) if len(rows) == 1 else None

    def update(
        self,
        artifact_id: str,
        data: Any,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> ArtifactRow:
        sets, params = ["data = ?", "updated = ?"], [_encode(data), time.time()]
        if description is not None:
            sets.append("description = ?")
            params.append(description)
        if metadata is not None:
            sets.append("metadata = ?")
            params.append(json.dumps(metadata))
        changed = self._db.execute(
            f"UPDATE artifacts SET {', '.join(sets)} WHERE id = ?", (*params, artifact_id)
        )
        if not changed:
            raise ObjectNotFound(f"artifact {artifact_id!r} not found")
        row = self.read(artifact_id)
        assert row is not None
        return row

    def delete(self, artifact_id: str) -> bool:
        return self._db.execute("DELETE FROM artifacts WHERE id = ?", (artifact_id,)) > 0

    def list(self, query: ArtifactQuery) -> list[ArtifactRow]:
        where, params = _where(query)
        sql = f"SELECT {_COLUMNS} FROM artifacts{where} ORDER BY {_ORDER[query.sort]}"
        if query.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(query.limit), int(query.offset)]
        elif query.offset:
            sql += " LIMIT -1 OFFSET ?" if self._db.dialect == "sqlite" else " OFFSET ?"
            params.append(int(query.offset))
        return [_row(row) for row in self._db.query(sql, params)]

    def count(self, query: ArtifactQuery) -> int:
        where, params = _where(query)
        rows = self._db.query(f"SELECT COUNT(*) AS n FROM artifacts{where}", params)
        return int(rows[0]["n"])
