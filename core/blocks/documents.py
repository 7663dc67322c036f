"""The block document tables and the SQL that reads and writes them.

A document's field values are stored as one Fernet-encrypted JSON blob. Nested blocks are
separate documents: the blob holds `{"$block_ref": id}` and `block_references` records the
edge, so a referenced block cannot be deleted from under its parent. A nested block that
was never saved on its own is stored as an anonymous document, removed with its last parent.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from headrace.blocks.errors import BlockInUse, BlockNotFound
from headrace.blocks.names import did_you_mean
from headrace.store import Store, register_schema

_MIGRATIONS = [
    """
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
    """,
]

register_schema("blocks", _MIGRATIONS)


@dataclass(frozen=True)
class DocumentRow:
    """One saved block document; `data` is still encrypted."""

    id: str
    block_type_slug: str
    name: str
    is_anonymous: bool
    data: bytes
    schema_version: str
    schema_checksum: str
    created: str
    updated: str

    @property
    def reference(self) -> str:
        return f"{self.block_type_slug}/{self.name}"


_COLUMNS = (
    "id, block_type_slug, name, is_anonymous, data, schema_version, schema_checksum, "
    "created, updated"
)


def _row(row: sqlite3.Row) -> DocumentRow:
    values = {key: row[key] for key in row.keys()}  # noqa: SIM118 (sqlite3.Row iterates values)
    return DocumentRow(**values | {"is_anonymous": bool(values["is_anonymous"])})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def find(conn: sqlite3.Connection, slug: str, name: str) -> DocumentRow | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM block_documents WHERE block_type_slug = ? AND name = ?",
        (slug, name),
    ).fetchone()
    return _row(row) if row is not None else None


def get(store: Store, slug: str, name: str) -> DocumentRow:
    """The document, or `BlockNotFound` suggesting close names of the same type."""
    row = find(store.connection(), slug, name)
    if row is None:
        names = [r.name for r in list_documents(store, slug)]
        hint = did_you_mean(name, names)
        if not hint and not names:
            hint = f" No {slug!r} blocks are saved."
        raise BlockNotFound(f"no block {slug}/{name} is saved.{hint}")
    return row


def get_by_id(db: sqlite3.Connection, doc_id: str) -> DocumentRow:
    row = db.execute(f"SELECT {_COLUMNS} FROM block_documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise BlockNotFound(f"a nested block document ({doc_id}) is missing from the store")
    return _row(row)


def list_documents(
    store: Store, slug: str | None = None, include_anonymous: bool = False
) -> list[DocumentRow]:
    sql = f"SELECT {_COLUMNS} FROM block_documents WHERE (? IS NULL OR block_type_slug = ?)"
    if not include_anonymous:
        sql += " AND is_anonymous = 0"
    return [_row(r) for r in store.query(sql + " ORDER BY block_type_slug, name", (slug, slug))]


def upsert(
    conn: sqlite3.Connection,
    *,
    doc_id: str,
    slug: str,
    name: str,
    anonymous: bool,
    data: bytes,
    schema_version: str,
    schema_checksum: str,
    references: dict[str, str],
) -> None:
    """Insert a document or replace an existing one's data and references (in a transaction)."""
    now = _now()
    conn.execute(
        "INSERT INTO block_documents (id, block_type_slug, name, is_anonymous, data,"
        " schema_version, schema_checksum, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET data = excluded.data,"
        " schema_version = excluded.schema_version, schema_checksum = excluded.schema_checksum,"
        " updated = excluded.updated",
        (doc_id, slug, name, int(anonymous), data, schema_version, schema_checksum, now, now),
    )
    conn.execute("DELETE FROM block_references WHERE parent_id = ?", (doc_id,))
    conn.executemany(
        "INSERT INTO block_references (parent_id, field, child_id) VALUES (?, ?, ?)",
        [(doc_id, field, child) for field, child in references.items()],
    )


def referrers(conn: sqlite3.Connection, doc_id: str) -> list[str]:
    """`slug/name` of the documents that reference `doc_id`."""
    rows = conn.execute(
        "SELECT DISTINCT d.block_type_slug, d.name, d.is_anonymous FROM block_references r"
        " JOIN block_documents d ON d.id = r.parent_id WHERE r.child_id = ?",
        (doc_id,),
    ).fetchall()
    return sorted(f"{slug}/{name}" + (" (nested)" if anon else "") for slug, name, anon in rows)


def delete(conn: sqlite3.Connection, row: DocumentRow) -> None:
    """Delete a document (in a transaction) unless another block references it."""
    users = referrers(conn, row.id)
    if users:
        raise BlockInUse(
            f"cannot delete block {row.reference}: it is referenced by {', '.join(users)}; "
            f"delete or re-save those first"
        )
    conn.execute("DELETE FROM block_documents WHERE id = ?", (row.id,))
    drop_orphans(conn)


def drop_orphans(conn: sqlite3.Connection) -> None:
    """Remove anonymous nested documents that no block references any more."""
    while conn.execute(
        "DELETE FROM block_documents WHERE is_anonymous = 1"
        " AND id NOT IN (SELECT child_id FROM block_references)"
    ).rowcount:
        pass
