"""Block types, schemas and documents in the shape Prefect's API and client exchange them.

`Block._to_block_type()`, `_to_block_schema()` and `_to_block_document()` build these
(collection authors and tools use them to describe a block without saving it), and
`get_client()` returns `BlockDocument`s. A document's `data` keeps secret values as their
pydantic secret objects; dumping it masks them unless the dump is given
`context={"include_secrets": True}`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import (
    BaseModel,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import to_jsonable_python

from headrace.blocks.names import validate_name
from headrace.secrets import SECRET_TYPES

#: the schema version of a block class whose package has no version (Prefect's value)
DEFAULT_BLOCK_SCHEMA_VERSION = "non-versioned"
#: what a secret becomes in a dumped document (Prefect shows eight stars)
OBFUSCATED = "********"

__all__ = [
    "DEFAULT_BLOCK_SCHEMA_VERSION",
    "BlockDocument",
    "BlockSchema",
    "BlockType",
    "render_secrets",
]


class _Object(BaseModel):
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    created: dt.datetime | None = None
    updated: dt.datetime | None = None


class BlockType(_Object):
    """What a block class is: its slug, display name and documentation."""

    name: str
    slug: str
    logo_url: str | None = None
    documentation_url: str | None = None
    description: str | None = None
    code_example: str | None = None
    is_protected: bool = False


class BlockSchema(_Object):
    """The JSON schema of a block class's fields; `checksum` identifies it."""

    checksum: str
    fields: dict[str, Any] = Field(default_factory=dict)
    block_type_id: uuid.UUID | None = None
    block_type: BlockType | None = None
    capabilities: list[str] = Field(default_factory=list)
    version: str = DEFAULT_BLOCK_SCHEMA_VERSION


class BlockDocument(_Object):
    """One block's values; nested saved blocks appear as
    `{"$ref": {"block_document_id": ...}}`, unsaved ones inline with their
    `block_type_slug`."""

    name: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    block_schema_id: uuid.UUID | None = None
    block_schema: BlockSchema | None = None
    block_type_id: uuid.UUID | None = None
    block_type_name: str | None = None
    block_type: BlockType | None = None
    block_document_references: dict[str, dict[str, Any]] = Field(default_factory=dict)
    is_anonymous: bool = False

    @field_validator("name")
    @classmethod
    def _valid_name(cls, name: str | None) -> str | None:
        return None if name is None else validate_name(name)

    @model_validator(mode="after")
    def _named_unless_anonymous(self) -> BlockDocument:
        if not self.is_anonymous and not self.name:
            raise ValueError("Names must be provided for block documents.")
        return self

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        dumped = handler(self)
        if isinstance(dumped, dict) and "data" in dumped:
            reveal = bool(info.context and info.context.get("include_secrets"))
            dumped["data"] = render_secrets(self.data, reveal, info.mode == "json")
        return dumped


def render_secrets(value: Any, reveal: bool, json: bool) -> Any:
    """`value` with every secret revealed or replaced by `OBFUSCATED`; JSON-able if `json`."""
    if isinstance(value, SECRET_TYPES):
        if not reveal:
            return OBFUSCATED
        return render_secrets(value.get_secret_value(), reveal, json)
    if isinstance(value, BaseModel):
        mode = "json" if json else "python"
        return value.model_dump(mode=mode, context={"include_secrets": reveal})
    if isinstance(value, dict):
        return {key: render_secrets(item, reveal, json) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [render_secrets(item, reveal, json) for item in value]
    if json and isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return to_jsonable_python(value) if json else value
