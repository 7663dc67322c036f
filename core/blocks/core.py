"""`Block`: a pydantic model that can be saved under a name and loaded back anywhere.

A block type is a `Block` subclass, identified by a slug derived from its class name
(`LocalFileSystem` -> `local-file-system`, override with `_block_type_slug`). A block
document is one saved instance: `block.save("prod")`, then `LocalFileSystem.load("prod")`
or `Block.load("local-file-system/prod")`. Documents live encrypted in the store.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import inspect
import json
import re
import textwrap
import uuid
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from headrace.blocks import codec, documents, registry
from headrace.blocks.errors import (
    BlockAlreadyExists,
    BlockDocumentInvalid,
    BlockError,
    BlockNotFound,
    InvalidBlockName,
    UnknownBlockType,
)
from headrace.blocks.names import (
    slug_from_class_name,
    slug_from_display_name,
    split_reference,
    validate_name,
)
from headrace.blocks.registry import lookup_block_type, register_block_type
from headrace.secrets import SecretDict
from headrace.store import get_store
from headrace.store.encryption import decrypt, store_cipher
from headrace.store.interface import BlockDocument, BlockDocumentWrite, Store
from headrace.utilities.asyncutils import async_dispatch, in_async_context
from headrace.utilities.dispatch import register_own_registry

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

__all__ = [
    "Block",
    "BlockNotSavedError",
    "InvalidBlockRegistration",
    "SecretDict",
    "block_schema_to_key",
    "load_document",
    "resolve_block_reference",
]

B = TypeVar("B", bound="Block")


class BlockNotSavedError(InvalidBlockName, RuntimeError):
    """An operation needs a saved block (e.g. `block.delete()` without a name) and this
    instance was never saved or loaded."""


class InvalidBlockRegistration(BlockError):
    """`register_type_and_schema` called on `Block` itself or on an abstract interface
    (such as `ObjectStorageBlock`): only concrete block types register."""


def block_schema_to_key(schema: Any) -> str:
    """The key a block class is looked up by: its type slug. Takes a `Block` class or a
    schema-like object with a `block_type` that has a `slug` (Prefect's `BlockSchema`)."""
    if isinstance(schema, type) and issubclass(schema, Block):
        return schema.get_block_type_slug()
    block_type = getattr(schema, "block_type", None)
    if block_type is None:
        raise ValueError("Block type is not set")
    return f"{block_type.slug}"


class _ClassOrInstanceMethod:
    """`Secret.delete("name")` on the class, `block.delete()` on a loaded instance."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        functools.update_wrapper(self, func)

    def __get__(self, instance: Any, owner: type) -> Callable[..., Any]:
        return functools.partial(self.func, owner, instance)


class SavedDocumentId(uuid.UUID):
    """The id `save` returns; also awaitable, for Prefect code that says `await block.save()`."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, uuid.UUID]:
        return self
        yield  # makes this a generator: awaiting finishes at once with the id


class Block(BaseModel):
    """Base class of every block type."""

    model_config = ConfigDict(
        hide_input_in_errors=True,  # a rejected value may be a secret: keep it out of errors
        ignored_types=(_ClassOrInstanceMethod,),
    )

    _block_type_slug: ClassVar[str | None] = None
    _block_type_name: ClassVar[str | None] = None
    _description: ClassVar[str | None] = None
    _block_schema_capabilities: ClassVar[list[str]] = []
    _block_schema_version: ClassVar[str] = "1"

    _block_document_id: uuid.UUID | None = PrivateAttr(None)
    _block_document_name: str | None = PrivateAttr(None)
    _is_anonymous: bool = PrivateAttr(False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        register_block_type(cls)

    # -- block type --------------------------------------------------------------------
    @classmethod
    def get_block_type_slug(cls) -> str:
        """The class's own `_block_type_slug`, else one made from its own `_block_type_name`
        (as Prefect does: `"Sifflet Credentials"` -> `sifflet-credentials`), else from its
        class name (`LocalFileSystem` -> `local-file-system`)."""
        own_slug = cls.__dict__.get("_block_type_slug")
        if own_slug:
            return own_slug
        own_name = cls.__dict__.get("_block_type_name")
        if own_name:
            return slug_from_display_name(own_name)
        return slug_from_class_name(cls.__name__)

    @classmethod
    def get_block_type_name(cls) -> str:
        """A display name: `LocalFileSystem` -> `Local File System`."""
        own = cls.__dict__.get("_block_type_name")
        return own or " ".join(w.capitalize() for w in cls.get_block_type_slug().split("-"))

    @classmethod
    def register_type_and_schema(cls) -> None:
        """Prefect's explicit registration; here classes register themselves, so this only
        re-registers (e.g. after a plugin manager reset). Kept so Prefect code runs as is."""
        if cls is Block or inspect.isabstract(cls):
            raise InvalidBlockRegistration(
                f"register_type_and_schema() must be called on a concrete Block subclass, "
                f"not on {cls.__name__}"
            )
        register_block_type(cls)

    @classmethod
    def get_description(cls) -> str | None:
        """`_description`, else the first paragraph of the class's own docstring."""
        if cls.__dict__.get("_description"):
            return cls.__dict__["_description"]
        doc = cls.__dict__.get("__doc__")
        if not doc:
            return None
        first = re.split(r"\n\s*\n", inspect.cleandoc(doc), maxsplit=1)[0]
        return " ".join(first.split())

    @classmethod
    def get_block_capabilities(cls) -> frozenset[str]:
        """Capabilities declared by this class and its bases (e.g. `write-path`)."""
        found: set[str] = set()
        for klass in cls.__mro__:
            found.update(klass.__dict__.get("_block_schema_capabilities") or [])
        return frozenset(found)

    @classmethod
    def get_block_schema_version(cls) -> str:
        return cls._block_schema_version

    @classmethod
    def get_block_schema_checksum(cls) -> str:
        """Changes whenever a field is added, removed, retyped or made (non-)required."""
        lines = sorted(
            f"{name}:{info.annotation!r}:{info.is_required()}"
            for name, info in cls.model_fields.items()
        )
        return "sha256:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]

    # -- save --------------------------------------------------------------------------
    async def asave(self, name: str | None = None, overwrite: bool = False) -> SavedDocumentId:
        """`save` without blocking the event loop."""
        return await asyncio.to_thread(self.save, name, overwrite, _sync=True)

    @async_dispatch(asave)
    def save(self, name: str | None = None, overwrite: bool = False) -> SavedDocumentId:
        """Save under `name`; refuses to replace an existing document unless `overwrite`."""
        if name is None:
            if self._block_document_name is None or self._is_anonymous:
                raise InvalidBlockName(
                    "You're attempting to save a block document without a name: "
                    f"{type(self).__name__}.save() needs a name, e.g. .save('my-block')"
                )
            name = self._block_document_name
        validate_name(name)
        return self._save_document(name, False, overwrite)

    def _save_document(self, name: str, anonymous: bool, overwrite: bool) -> SavedDocumentId:
        store = get_store()
        cipher = store_cipher(store)  # a wrong key fails here, before anything is written
        saved: list[tuple[Block, str, str, bool]] = []
        writes: list[BlockDocumentWrite] = []
        doc_id = _persist(store, cipher, self, name, anonymous, overwrite, saved, writes)
        # one transaction; nested blocks the old version used alone are dropped
        store.blocks.save(writes, overwrite)
        for block, block_id, block_name, anonymous in saved:  # only once committed
            block._block_document_id = uuid.UUID(block_id)
            block._block_document_name = block_name
            block._is_anonymous = anonymous
        return SavedDocumentId(doc_id)

    # -- load --------------------------------------------------------------------------
    @classmethod
    async def aload(cls: type[B], name: str, validate: bool = True) -> B:
        """`load` without blocking the event loop."""
        return await asyncio.to_thread(cls.load, name, validate, _sync=True)

    @classmethod
    @async_dispatch(aload)
    def load(cls: type[B], name: str, validate: bool = True) -> B:
        """Load a saved block: `Secret.load("name")` or `Block.load("secret/name")`.

        With `validate=False` a document that no longer validates is loaded as it is
        (`model_construct`) instead of raising.
        """
        target, slug, doc_name = cls._resolve_load_target(name)
        store = get_store()
        row = documents.get(store, slug, doc_name)
        cipher = store_cipher(store)
        return target._from_row(row, lambda id_: _load_child(store, cipher, id_), cipher, validate)

    @classmethod
    async def aload_from_ref(cls: type[B], ref: Any, validate: bool = True) -> B:
        """`load_from_ref` without blocking the event loop."""
        return await asyncio.to_thread(cls.load_from_ref, ref, validate, _sync=True)

    @classmethod
    @async_dispatch(aload_from_ref)
    def load_from_ref(cls: type[B], ref: Any, validate: bool = True) -> B:
        """A block from a reference: a document id (UUID or its string), a
        `"block-type/name"` string, or a dict with `block_document_id` or
        `block_type_slug` and `block_document_name`."""
        if isinstance(ref, dict):
            if "block_document_id" in ref:
                ref = ref["block_document_id"]
            elif "block_type_slug" in ref and "block_document_name" in ref:
                ref = f"{ref['block_type_slug']}/{ref['block_document_name']}"
            else:
                raise ValueError(f"Invalid reference format {ref!r}.")
        if isinstance(ref, str) and "/" in ref:
            return cls.load(ref, validate, _sync=True)
        try:
            doc_id = str(uuid.UUID(str(ref)))
        except ValueError:
            raise ValueError(f"Invalid reference format {ref!r}.") from None
        store = get_store()
        row = documents.get_by_id(store, doc_id)
        block = load_document(store, row, validate)
        if cls is not Block and not isinstance(block, cls):
            raise BlockNotFound(
                f"block document {doc_id} is a {type(block).__name__}, not a {cls.__name__}"
            )
        return block  # type: ignore[return-value]

    @classmethod
    def get_code_example(cls) -> str | None:
        """The usage example of the block type: `_code_example`, else the `Example:` /
        `Examples:` section of the class docstring, else a `load` snippet."""
        own = cls.__dict__.get("_code_example")
        if own:
            return inspect.cleandoc(own)
        doc = cls.__dict__.get("__doc__")
        if doc:
            lines = inspect.cleandoc(doc).splitlines()
            for index, line in enumerate(lines):
                if line.strip() in ("Example:", "Examples:"):
                    body: list[str] = []
                    for rest in lines[index + 1 :]:
                        if rest.strip() and not rest.startswith((" ", "\t")):
                            break  # the next section
                        body.append(rest)
                    return textwrap.dedent("\n".join(body)).strip("\n")
        variable = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
        return (
            f"```python\nfrom {cls.__module__} import {cls.__name__}\n\n"
            f'{variable}_block = {cls.__name__}.load("BLOCK_NAME")\n```'
        )

    @classmethod
    def _resolve_load_target(cls, name: str) -> tuple[type[Block], str, str]:
        if "/" in name:
            slug, doc_name = split_reference(name)
            try:
                target = lookup_block_type(slug)
            except UnknownBlockType as exc:
                raise UnknownBlockType(
                    f"Unable to find block document named {doc_name} for block type {slug}: {exc}"
                ) from None
            if cls is not Block and not issubclass(target, cls):
                raise BlockNotFound(
                    f"{name!r} is a {target.__name__} block, not a {cls.__name__}; "
                    f"load it with Block.load({name!r})"
                )
            return target, slug, doc_name
        if cls is Block:
            raise InvalidBlockName(
                f"Block.load({name!r}) needs the block type: Block.load('block-type/{name}')"
            )
        return cls, cls.get_block_type_slug(), validate_name(name)

    @classmethod
    def _from_row(
        cls: type[B],
        row: documents.DocumentRow,
        load_child: Callable[[str], Block],
        cipher: Fernet,
        validate: bool = True,
    ) -> B:
        raw = json.loads(decrypt(cipher, row.data, row.reference))
        values = codec.decode(raw, load_child)
        try:
            block = cls.model_validate(values)
        except ValidationError as exc:
            if validate:
                raise _drift_error(cls, row, exc) from None
            block = cls.model_construct(**values)
        block._block_document_id = uuid.UUID(row.id)
        block._block_document_name = row.name
        block._is_anonymous = row.is_anonymous
        return block

    # -- delete ------------------------------------------------------------------------
    @_ClassOrInstanceMethod
    def delete(cls, self: Block | None, name: str | None = None, _sync: bool | None = None) -> None:
        """Delete a saved block: `block.delete()` or `Secret.delete("name")` (awaitable in
        async code, as in Prefect 3).

        Refused while another block references it.
        """
        if not (_sync if _sync is not None else not in_async_context()):
            return self.adelete(name) if self is not None else cls.adelete(name)  # type: ignore[return-value]
        if name is None:
            if self is None:
                raise InvalidBlockName("delete() needs a name, or a block that was saved/loaded")
            if self._block_document_name is None:
                raise BlockNotSavedError(
                    f"This {type(self).__name__} was never saved or loaded: save it first, "
                    "or pass the name of the document to delete"
                )
            name = self._block_document_name
        target, slug, doc_name = cls._resolve_load_target(name)
        store = get_store()
        try:
            store.blocks.delete(slug, doc_name)
        except BlockNotFound:
            raise documents.not_found(store, slug, doc_name) from None
        if self is not None:
            self._block_document_id = None
            self._block_document_name = None

    @_ClassOrInstanceMethod
    async def adelete(cls, self: Block | None, name: str | None = None) -> None:
        """`delete` without blocking the event loop."""
        if self is not None:
            await asyncio.to_thread(self.delete, name, _sync=True)
        else:
            await asyncio.to_thread(cls.delete, name, _sync=True)


# `utilities.dispatch.register_type` / `lookup_type` on a Block subclass use the block registry
register_own_registry(Block, registry._types, register_block_type)


def _persist(
    store: Store,
    cipher: Fernet,
    block: Block,
    name: str,
    anonymous: bool,
    overwrite: bool,
    saved: list[tuple[Block, str, str, bool]],
    writes: list[BlockDocumentWrite],
) -> str:
    """Plan the writes of `block` and its unsaved nested blocks (children first)."""
    slug = block.get_block_type_slug()
    existing = None if anonymous else store.blocks.find(slug, name)
    if existing is not None and not overwrite:
        raise BlockAlreadyExists(
            "You are attempting to save values with a name that is already in use for this "
            f"block type: a block {slug}/{name} is already saved; pass overwrite=True to "
            "replace it"
        )
    doc_id = existing.id if existing is not None else str(uuid.uuid4())
    references: dict[str, str] = {}

    def save_child(child: Block, path: str) -> str:
        child_id = _existing_child_id(store, child)
        if child_id is None:
            child_name = f"anonymous-{uuid.uuid4().hex}"
            child_id = _persist(store, cipher, child, child_name, True, False, saved, writes)
        references[path] = child_id
        return child_id

    data = {
        key: codec.encode(v, save_child, key) for key, v in codec.model_fields_of(block).items()
    }
    document = BlockDocument(
        id=doc_id,
        block_type_slug=slug,
        name=name,
        is_anonymous=anonymous,
        data=cipher.encrypt(json.dumps(data, separators=(",", ":")).encode()),
        schema_version=block.get_block_schema_version(),
        schema_checksum=block.get_block_schema_checksum(),
    )
    writes.append(BlockDocumentWrite(document, references))
    saved.append((block, doc_id, name, anonymous))
    return doc_id


def _existing_child_id(store: Store, child: Block) -> str | None:
    """The document id of an already-saved nested block still present in this store."""
    if child._block_document_id is None or child._block_document_name is None:
        return None
    row = store.blocks.find(child.get_block_type_slug(), child._block_document_name)
    return row.id if row is not None and row.id == str(child._block_document_id) else None


def load_document(store: Store, document: BlockDocument, validate: bool = True) -> Block:
    """The block a stored document holds, decrypted with this machine's key (for readers
    that start from a document, such as `get_client()`)."""
    cipher = store_cipher(store)
    block_class = lookup_block_type(document.block_type_slug)
    return block_class._from_row(
        document, lambda id_: _load_child(store, cipher, id_), cipher, validate
    )


def _load_child(store: Store, cipher: Fernet, doc_id: str) -> Block:
    row = documents.get_by_id(store, doc_id)
    child_cls = lookup_block_type(row.block_type_slug)
    return child_cls._from_row(row, lambda id_: _load_child(store, cipher, id_), cipher)


def _drift_error(cls: type[Block], row: documents.DocumentRow, exc: ValidationError) -> Exception:
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    missing = [".".join(map(str, e["loc"])) for e in errors if e["type"] == "missing"]
    where = f"saved block {row.reference}"
    if missing and row.schema_checksum != cls.get_block_schema_checksum():
        fields = ", ".join(repr(m) for m in missing)
        return BlockDocumentInvalid(
            f"{where} was saved by an older {cls.__name__} (schema version "
            f"{row.schema_version}) and lacks the field(s) {fields}, which {cls.__name__} now "
            f"requires without a default. Re-save it (`headrace block create "
            f"{row.block_type_slug} {row.name} --overwrite ...`) or give the field a default."
        )
    problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}" for e in errors)
    return BlockDocumentInvalid(
        f"{where} no longer validates as {cls.__name__}: {problems}. Re-save it, or load it "
        f"with validate=False to inspect it."
    )


def resolve_block_reference(value: Block | str) -> Block:
    """A block from a block or a `"block-type-slug/name"` string (e.g. for `result_storage=`)."""
    if isinstance(value, Block):
        return value
    if isinstance(value, str):
        return Block.load(value, _sync=True)
    raise TypeError(f"expected a Block or a 'block-type/name' string, not {type(value).__name__}")
