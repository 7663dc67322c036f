"""Variables in SQL: named JSON values."""

from __future__ import annotations

import json
import time
from typing import Any

from headrace.exceptions import ObjectAlreadyExists
from headrace.store.interface import VariableRow


def _row(row: Any) -> VariableRow:
    return {
        "name": row["name"],
        "value": json.loads(row["value"]),
        "tags": json.loads(row["tags"] or "[]"),
        "created": row["created"],
        "updated": row["updated"],
    }


class SqlVariables:
    """`VariableRepository` over a SQL database."""

    def __init__(self, database: Any) -> None:
        self._db = database

    def get(self, name: str) -> VariableRow | None:
        rows = self._db.query(
            "SELECT name, value, tags, created, updated FROM variables WHERE name = ?", (name,)
        )
        return _row(rows[0]) if rows else None

    def set(self, name: str, value: Any, tags: list[str], overwrite: bool) -> VariableRow:
        encoded = json.dumps(value)
        now = time.time()
        sql = (
            "INSERT INTO variables (name, value, tags, created, updated) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(name) DO "
        )
        if overwrite:
            sql += (
                "UPDATE SET value = excluded.value, tags = excluded.tags,"
                " updated = excluded.updated"
            )
        else:
            sql += "NOTHING"
        if not self._db.execute(sql, (name, encoded, json.dumps(list(tags)), now, now)):
            raise ObjectAlreadyExists(
                f"variable {name!r} already exists; pass overwrite=True to replace it"
            )
        row = self.get(name)
        assert row is not None
        return row

    def delete(self, name: str) -> bool:
        return self._db.execute("DELETE FROM variables WHERE name = ?", (name,)) > 0

    def list(self, limit: int | None = None, offset: int = 0) -> list[VariableRow]:
        sql = "SELECT name, value, tags, created, updated FROM variables ORDER BY name"
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        elif offset:
            rows = self._db.query(sql)[offset:]
            return [_row(row) for row in rows]
        return [_row(row) for row in self._db.query(sql, params)]
