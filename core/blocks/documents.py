"""Block documents as the blocks code sees them, read and written through `store.blocks`.

A document's field values are one Fernet-encrypted JSON blob. Nested blocks are separate
documents: the blob holds `{"$block_ref": id}` and the store records the reference, so a
referenced block cannot be deleted from under its parent. A nested block that was never
saved on its own is an anonymous document, removed with its last parent.
"""

from __future__ import annotations

from headrace.blocks.errors import BlockNotFound
from headrace.blocks.names import did_you_mean
from headrace.store.interface import BlockDocument, Store

DocumentRow = BlockDocument


def get(store: Store, slug: str, name: str) -> BlockDocument:
    """The document, or `BlockNotFound` suggesting close names of the same type."""
    row = store.blocks.find(slug, name)
    if row is None:
        raise not_found(store, slug, name)
    return row


def not_found(store: Store, slug: str, name: str) -> BlockNotFound:
    names = [r.name for r in store.blocks.list(slug)]
    hint = did_you_mean(name, names)
    if not hint and not names:
        hint = f" No {slug!r} blocks are saved."
    # Prefect's words first (code and tests match on them), then headrace's detail
    return BlockNotFound(
        f"Unable to find block document named {name} for block type {slug}: "
        f"no block {slug}/{name} is saved.{hint}"
    )


def get_by_id(store: Store, doc_id: str) -> BlockDocument:
    row = store.blocks.get_by_id(doc_id)
    if row is None:
        raise BlockNotFound(f"a nested block document ({doc_id}) is missing from the store")
    return row


def list_documents(
    store: Store, slug: str | None = None, include_anonymous: bool = False
) -> list[BlockDocument]:
    return store.blocks.list(slug, include_anonymous)
