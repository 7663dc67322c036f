"""Variables: named JSON values kept in the store (Prefect 3's `Variable`).

Prefect 3 replaced the `JSON` and `String` blocks with variables; `headrace migrate`
rewrites `JSON.load("x").value` to `Variable.get("x")`.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from headrace.exceptions import ObjectAlreadyExists
from headrace.store import get_store, register_schema

_NAME = re.compile(r"^[a-z0-9_-]+$")
_MISSING: Any = object()

register_schema(
    "variables",
    [
        "CREATE TABLE variables (name TEXT PRIMARY KEY, value TEXT NOT NULL, tags TEXT,"
        " created REAL NOT NULL, updated REAL NOT NULL)"
    ],
)


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"invalid variable name {name!r}: use lowercase letters, digits, '-' and '_'"
        )


class Variable:
    """A named JSON value: `Variable.set("x", {...})`, `Variable.get("x")`."""

    def __init__(self, name: str, value: Any, tags: list[str] | None = None) -> None:
        self.name = name
        self.value = value
        self.tags = list(tags or [])

    def __repr__(self) -> str:
        return f"Variable(name={self.name!r}, value={self.value!r})"

    @classmethod
    def get(cls, name: str, default: Any = None) -> Any:
        """The variable's value, or `default` if there is no such variable."""
        _check_name(name)
        rows = get_store().query("SELECT value FROM variables WHERE name = ?", (name,))
        return json.loads(rows[0]["value"]) if rows else default

    @classmethod
    def set(
        cls, name: str, value: Any, tags: list[str] | None = None, overwrite: bool = False
    ) -> Variable:
        """Create (or with `overwrite=True` replace) a variable; the value must be JSON-able."""
        _check_name(name)
        try:
            encoded = json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"variable {name!r} must hold a JSON value: {exc}") from None
        now = time.time()
        store = get_store()
        with store.transaction() as connection:
            exists = connection.execute("SELECT 1 FROM variables WHERE name = ?", (name,))
            if exists.fetchone() and not overwrite:
                raise ObjectAlreadyExists(
                    f"variable {name!r} already exists; pass overwrite=True to replace it"
                )
            connection.execute(
                "INSERT INTO variables (name, value, tags, created, updated)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value,"
                " tags = excluded.tags, updated = excluded.updated",
                (name, encoded, json.dumps(tags or []), now, now),
            )
        return cls(name, value, tags)

    @classmethod
    def unset(cls, name: str) -> bool:
        """Delete a variable; False if there was none."""
        _check_name(name)
        return get_store().execute("DELETE FROM variables WHERE name = ?", (name,)) > 0

    @classmethod
    def list(cls) -> list[Variable]:
        rows = get_store().query("SELECT name, value, tags FROM variables ORDER BY name")
        return [cls(row["name"], json.loads(row["value"]), json.loads(row["tags"])) for row in rows]

    @classmethod
    async def aget(cls, name: str, default: Any = None) -> Any:
        import asyncio

        return await asyncio.to_thread(cls.get, name, default)

    @classmethod
    async def aset(
        cls, name: str, value: Any, tags: list[str] | None = None, overwrite: bool = False
    ) -> Variable:
        import asyncio

        return await asyncio.to_thread(cls.set, name, value, tags, overwrite)

    @classmethod
    async def aunset(cls, name: str) -> bool:
        import asyncio

        return await asyncio.to_thread(cls.unset, name)


__all__ = ["Variable"]
