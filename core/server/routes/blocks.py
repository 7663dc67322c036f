"""Block documents. Secret values never leave the server in plain text.

A document's fields are stored encrypted with the store's key (`HEADRACE_ENCRYPTION_KEY`
or the key file in the server's home). Responses carry `values`, the fields with every
secret masked, decoded on the server when it knows the block type; the encrypted blob
(`data`, base64) is added only when asked for with `include_encrypted=true`, for clients
that hold the same key and rebuild the block themselves (`Block.load` through
`HEADRACE_API_URL`).
"""

from __future__ import annotations

import base64
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from headrace.server.routes.common import Router, respond, store
from headrace.store.interface import BlockDocument, BlockDocumentWrite

router = Router(tags=["blocks"])


class DocumentIn(BaseModel):
    """A document to save; `data` is the base64 of its Fernet-encrypted fields."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    block_type_slug: str = Field(min_length=1)
    name: str = Field(min_length=1)
    is_anonymous: bool = False
    data: str
    schema_version: str = ""
    schema_checksum: str = ""
    created: str = ""
    updated: str = ""
    references: dict[str, str] = Field(default_factory=dict)


class SaveDocuments(BaseModel):
    """Nested documents first, the named top-level document last, in one transaction."""

    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(min_length=1)
    overwrite: bool = False


class DocumentFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    block_type_slug: str | None = None
    include_anonymous: bool = False
    include_encrypted: bool = False


class KeyCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1)


def _masked_values(document: BlockDocument) -> dict[str, Any] | None:
    """The document's fields with secrets masked, or None when the server cannot read it
    (block type not installed here, or a key other than the one it was saved with)."""
    from headrace.blocks import codec
    from headrace.blocks.core import Block

    try:
        block = Block.load(document.reference, _sync=True)
    except Exception:
        return None
    return codec.masked_fields(block)


def document_out(document: BlockDocument, include_encrypted: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": document.id,
        "block_type_slug": document.block_type_slug,
        "name": document.name,
        "is_anonymous": document.is_anonymous,
        "schema_version": document.schema_version,
        "schema_checksum": document.schema_checksum,
        "created": document.created,
        "updated": document.updated,
        "values": None if document.is_anonymous else _masked_values(document),
    }
    if include_encrypted:
        out["data"] = base64.b64encode(document.data).decode("ascii")
    return out


def _document_in(document: DocumentIn) -> BlockDocumentWrite:
    try:
        data = base64.b64decode(document.data, validate=True)
    except ValueError:
        raise ValueError(f"document {document.name!r}: data is not base64") from None
    fields = document.model_dump(exclude={"references", "data"})
    return BlockDocumentWrite(BlockDocument(data=data, **fields), dict(document.references))


def _found(document: BlockDocument | None, what: str) -> BlockDocument:
    if document is None:
        from headrace.exceptions import BlockNotFound

        raise BlockNotFound(f"block document {what} not found")
    return document


@router.post("/block_documents/filter")
def read_block_documents(body: DocumentFilter | None = None) -> JSONResponse:
    """Saved documents by type slug and name, secrets masked."""
    body = body or DocumentFilter()
    documents = store().blocks.list(body.block_type_slug, body.include_anonymous)
    return respond([document_out(d, body.include_encrypted) for d in documents])


@router.get("/block_documents/key_check")
def key_check_token() -> str | None:
    """The store's key-check token (a known text encrypted with the store's key), which
    tells a client whether its key is the one the documents were written with."""
    return store().blocks.key_check_token()


@router.put("/block_documents/key_check")
def set_key_check_token(body: KeyCheck) -> str:
    """Store the token unless one is stored already (the first writer wins); returns
    the stored one."""
    return store().blocks.set_key_check_token(body.token)


@router.get("/block_documents/{document_id}")
def read_block_document(document_id: str, include_encrypted: bool = False) -> JSONResponse:
    document = _found(store().blocks.get_by_id(document_id), repr(document_id))
    return respond(document_out(document, include_encrypted))


@router.get("/block_types/slug/{slug}/block_documents/name/{name}")
def read_block_document_by_name(
    slug: str, name: str, include_encrypted: bool = False
) -> JSONResponse:
    document = _found(store().blocks.find(slug, name), repr(f"{slug}/{name}"))
    return respond(document_out(document, include_encrypted))


@router.put("/block_documents")
def save_block_documents(body: SaveDocuments) -> None:
    """Save documents (409 if the top-level name is taken and `overwrite` is false)."""
    store().blocks.save([_document_in(d) for d in body.documents], body.overwrite)


@router.delete("/block_types/slug/{slug}/block_documents/name/{name}")
def delete_block_document(slug: str, name: str) -> None:
    """Delete a document (409 while another document references it)."""
    store().blocks.delete(slug, name)
