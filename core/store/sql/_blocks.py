"""Block documents in SQL: encrypted data blobs plus the references between them.

A referenced document cannot be deleted from under its parent (`block_references` has
`ON DELETE RESTRICT` on the child); an anonymous document goes with the last parent that
referenced it (one saved on its own, with no parent yet, stays).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from headrace.exceptions import BlockAlreadyExists, BlockInUse, BlockNotFound
from headrace.store.interface import BlockDocument, BlockDocumentWrite

_COLUMNS = (
    "id, block_type_slug, name, is_anonymous, data, schema_version, schema_checksum, "
    "created, updated"
)


def _document(row: Any) -> BlockDocument:
    values = dict(row)
    return BlockDocument(
        **values | {"is_anonymous": bool(values["is_anonymous"]), "data": bytes(values["data"])}
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SqlBlocks:
    """`BlockRepository` over a SQL database."""

    def __init__(self, database: Any) -> None:
        self._db = database

    def find(self, slug: str, name: str) -> BlockDocument | None:
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM block_documents WHERE block_type_slug = ? AND name = ?",
            (slug, name),
        )
        return _document(rows[0]) if rows else None

    def get_by_id(self, document_id: str) -> BlockDocument | None:
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM block_documents WHERE id = ?", (document_id,)
        )
        return _document(rows[0]) if rows else None

    def list(self, slug: str | None = None, include_anonymous: bool = False) -> list[BlockDocument]:
        sql = f"SELECT {_COLUMNS} FROM block_documents"
        where, params = [], []
        if slug is not None:
            where.append("block_type_slug = ?")
            params.append(slug)
        if not include_anonymous:
            where.append("is_anonymous = 0")
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [
            _document(r) for r in self._db.query(sql + " ORDER BY block_type_slug, name", params)
        ]

    def save(self, documents: list[BlockDocumentWrite], overwrite: bool) -> None:
        if not documents:
            return
        now = _now()
        top = documents[-1].document
        with self._db.transaction() as tx:
            released: set[str] = set()
            existing = tx.query(
                "SELECT id FROM block_documents WHERE block_type_slug = ? AND name = ?"
                + self._db.for_update,
                (top.block_type_slug, top.name),
            )
            if existing and (existing[0]["id"] != top.id or not overwrite):
                raise BlockAlreadyExists(
                    f"a block {top.reference} is already saved; pass overwrite=True to replace it"
                )
            for write in documents:
                doc = write.document
                tx.execute(
                    "INSERT INTO block_documents (id, block_type_slug, name, is_anonymous, data,"
                    " schema_version, schema_checksum, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET data = excluded.data,"
                    " schema_version = excluded.schema_version,"
                    " schema_checksum = excluded.schema_checksum, updated = excluded.updated",
                    (
                        doc.id,
                        doc.block_type_slug,
                        doc.name,
                        int(doc.is_anonymous),
                        doc.data,
                        doc.schema_version,
                        doc.schema_checksum,
                        now,
                        now,
                    ),
                )
                released.update(_children(tx, doc.id))
                tx.execute("DELETE FROM block_references WHERE parent_id = ?", (doc.id,))
                if write.references:
                    tx.executemany(
                        "INSERT INTO block_references (parent_id, field, child_id)"
                        " VALUES (?, ?, ?)",
                        [(doc.id, field, child) for field, child in write.references.items()],
                    )
            _drop_orphans(tx, released)

    def delete(self, slug: str, name: str) -> None:
        with self._db.transaction() as tx:
            rows = tx.query(
                "SELECT id FROM block_documents WHERE block_type_slug = ? AND name = ?"
                + self._db.for_update,
                (slug, name),
            )
            if not rows:
                raise BlockNotFound(f"no block {slug}/{name} is saved")
            doc_id = rows[0]["id"]
            users = tx.query(
                "SELECT DISTINCT d.block_type_slug, d.name, d.is_anonymous FROM block_references r"
                " JOIN block_documents d ON d.id = r.parent_id WHERE r.child_id = ?",
                (doc_id,),
            )
            if users:
                names = sorted(
                    f"{u['block_type_slug']}/{u['name']}"
                    + (" (nested)" if u["is_anonymous"] else "")
                    for u in users
                )
                raise BlockInUse(
                    f"cannot delete block {slug}/{name}: it is referenced by {', '.join(names)}; "
                    f"delete or re-save those first"
                )
            released = _children(tx, doc_id)
            tx.execute("DELETE FROM block_documents WHERE id = ?", (doc_id,))
            _drop_orphans(tx, released)

    def key_check_token(self) -> str | None:
        rows = self._db.query("SELECT token FROM block_key_check WHERE id = 1")
        return rows[0]["token"] if rows else None

    def set_key_check_token(self, token: str) -> str:
        self._db.execute(
            "INSERT INTO block_key_check (id, token) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
            (token,),
        )
        return self._db.query("SELECT token FROM block_key_check WHERE id = 1")[0]["token"]


def _children(tx: Any, parent_id: str) -> set[str]:
    rows = tx.query("SELECT child_id FROM block_references WHERE parent_id = ?", (parent_id,))
    return {row["child_id"] for row in rows}


def _drop_orphans(tx: Any, released: set[str]) -> None:
    """Remove the anonymous documents among `released` (children whose parent was just
    rewritten or deleted) that no block references any more, and so on down."""
    while released:
        dropped: set[str] = set()
        for child_id in released:
            rows = tx.query(
                "SELECT is_anonymous FROM block_documents WHERE id = ? AND NOT EXISTS"
                " (SELECT 1 FROM block_references WHERE child_id = ?)",
                (child_id, child_id),
            )
            if rows and rows[0]["is_anonymous"]:
                grandchildren = _children(tx, child_id)
                tx.execute("DELETE FROM block_documents WHERE id = ?", (child_id,))
                dropped |= grandchildren
        released = dropped
