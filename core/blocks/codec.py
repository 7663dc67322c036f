"""Turning block field values into stored JSON and back, and into masked JSON for display.

Stored form: secrets revealed (the whole document is encrypted), bytes as
`{"$bytes": base64}`, a nested block that is saved on its own as `{"$block_ref": document
id}` (a callback says which), any other nested block inline as `{"$block": {"slug": ...,
"data": {...}}}`, as Prefect keeps an unsaved nested block inside its parent.
Display form: every secret replaced by a mask, nested saved blocks by their `slug/name`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_jsonable_python

from headrace.blocks.registry import is_block, lookup_block_type
from headrace.secrets import MASK, SECRET_TYPES, SecretDict

if TYPE_CHECKING:
    from headrace.blocks.core import Block

REF_KEY = "$block_ref"
BYTES_KEY = "$bytes"
INLINE_KEY = "$block"


def _jsonable(value: Any) -> Any:
    """JSON for a plain value; types pydantic serializes but does not know by their
    Python type (e.g. `SemanticVersion`) go through their own schema."""
    return to_jsonable_python(
        value, fallback=lambda v: TypeAdapter(type(v)).dump_python(v, mode="json")
    )


def model_fields_of(model: BaseModel) -> dict[str, Any]:
    """A model's field values keyed by the name its validator accepts (alias first)."""
    fields = type(model).model_fields
    return {(info.alias or name): getattr(model, name) for name, info in fields.items()}


def encode(value: Any, ref_for: Callable[[Block, str], str | None], path: str = "") -> Any:
    """Stored JSON for `value`; `ref_for(block, field_path)` returns the document id of a
    nested block saved on its own, or None to keep it inline."""
    if is_block(value):
        child_id = ref_for(value, path)
        if child_id is not None:
            return {REF_KEY: child_id}
        data = {k: encode(v, ref_for, f"{path}.{k}") for k, v in model_fields_of(value).items()}
        return {INLINE_KEY: {"slug": value.get_block_type_slug(), "data": data}}
    if isinstance(value, SECRET_TYPES):
        return encode(value.get_secret_value(), ref_for, path)
    if isinstance(value, BaseModel):
        value = model_fields_of(value)
    if isinstance(value, bytes):
        return {BYTES_KEY: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): encode(v, ref_for, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode(v, ref_for, f"{path}.{i}") for i, v in enumerate(value)]
    return _jsonable(value)


def decode(raw: Any, load_child: Callable[[str], Block]) -> Any:
    """Python values for `Block.model_validate` from stored JSON."""
    if isinstance(raw, dict):
        if raw.keys() == {REF_KEY}:
            return load_child(raw[REF_KEY])
        if raw.keys() == {BYTES_KEY}:
            return base64.b64decode(raw[BYTES_KEY])
        if raw.keys() == {INLINE_KEY}:
            inline = raw[INLINE_KEY]
            child_cls = lookup_block_type(inline["slug"])
            return child_cls.model_validate(decode(inline["data"], load_child))
        return {key: decode(value, load_child) for key, value in raw.items()}
    if isinstance(raw, list):
        return [decode(value, load_child) for value in raw]
    return raw


def masked_fields(block: Block) -> dict[str, Any]:
    """A block's own fields for display, secrets masked."""
    return {key: masked(value) for key, value in model_fields_of(block).items()}


def revealed(value: Any) -> Any:
    """JSON of `value` with secret values in plain text (for a caller who asked for them,
    e.g. `read_block_document(include_secrets=True)`); nested blocks as their fields."""
    if isinstance(value, SecretDict):
        return revealed(value.get_secret_value())
    if isinstance(value, SECRET_TYPES):
        return revealed(value.get_secret_value())
    if isinstance(value, BaseModel):
        value = model_fields_of(value)
    if isinstance(value, dict):
        return {str(k): revealed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [revealed(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return _jsonable(value)


def masked(value: Any) -> Any:
    """JSON for showing `value` to a person: secrets masked, saved nested blocks by name."""
    if is_block(value) and value._block_document_name and not value._is_anonymous:
        return f"{value.get_block_type_slug()}/{value._block_document_name}"
    if isinstance(value, SecretDict):
        return value.masked()
    if isinstance(value, SECRET_TYPES):
        return MASK
    if isinstance(value, BaseModel):
        value = model_fields_of(value)
    if isinstance(value, dict):
        return {str(k): masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [masked(v) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return to_jsonable_python(value, fallback=repr)
