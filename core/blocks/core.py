"""`Block`: a pydantic model that can be saved under a name and loaded back anywhere.

A block type is a `Block` subclass, identified by a slug made from its display name
(`_block_type_name`, else the class name: `MyBlock` -> `myblock`, `"S3 Bucket"` ->
`s3-bucket`; `_block_type_slug` overrides it). A block document is one saved instance:
`block.save("prod")`, then `MyBlock.load("prod")` or `Block.load("myblock/prod")`.
Documents live encrypted in the store. Loading through a base class gives the registered
subclass a document or a dump names (`block_type_slug`), as in Prefect.
"""

from __future__ import annotations

import abc
import asyncio
import functools
import inspect
import json
import re
import sys
import textwrap
import typing
import uuid
import warnings
import weakref
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec, TypeVar

from packaging.version import InvalidVersion, Version
from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    PydanticUserError,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
    model_validator,
)

from headrace.blocks import codec, documents, json_schema, registry
from headrace.blocks.errors import (
    BlockAlreadyExists,
    BlockDocumentInvalid,
    BlockError,
    BlockNotFound,
    InvalidBlockName,
    UnknownBlockType,
)
from headrace.blocks.json_schema import NestedTypes, UnionTypes, schema_extra
from headrace.blocks.names import legacy_slug, slugify, split_reference, validate_name
from headrace.blocks.registry import (
    load_prefect_collections,
    lookup_block_type,
    register_block_type,
)
from headrace.blocks.schemas import (
    DEFAULT_BLOCK_SCHEMA_VERSION,
    BlockDocument,
    BlockSchema,
    BlockType,
    render_secrets,
)
from headrace.secrets import SECRET_TYPES, SecretDict
from headrace.store import get_store
from headrace.store.encryption import decrypt, store_cipher
from headrace.store.interface import BlockDocument as StoredDocument
from headrace.store.interface import BlockDocumentWrite, Store
from headrace.utilities.asyncutils import async_dispatch, in_async_context
from headrace.utilities.dispatch import register_own_registry

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

__all__ = [
    "Block",
    "BlockNotSavedError",
    "InvalidBlockRegistration",
    "NestedTypes",
    "ResourceTuple",
    "SecretDict",
    "UnionTypes",
    "UnknownBlockType",
    "api_document",
    "block_schema_to_key",
    "load_document",
    "resolve_block_reference",
    "schema_extra",
]

B = TypeVar("B", bound="Block")
R = TypeVar("R")  # Prefect's module exports its type variables; code imports them
P = ParamSpec("P")
#: an event resource and its related resources (Prefect's block events)
ResourceTuple = tuple[dict[str, Any], list[dict[str, Any]]]

#: namespace of the ids headrace derives for block types and schemas
_ID_NAMESPACE = uuid.UUID("5d1c4f3e-2f0b-4c55-9d3e-6a1f0b7c2e41")
#: keys a dump carries beside the fields (they never reach a stored document)
_DUMP_EXTRAS = frozenset({"block_type_slug", "_block_document_id", "_block_document_name",
                          "_is_anonymous"})  # fmt: skip
_checksums: weakref.WeakKeyDictionary[type, str] = weakref.WeakKeyDictionary()


class BlockNotSavedError(InvalidBlockName, RuntimeError):
    """An operation needs a saved block (e.g. `block.delete()` without a name) and this
    instance was never saved or loaded."""


class InvalidBlockRegistration(BlockError):
    """`register_type_and_schema` called on `Block` itself or on an abstract interface
    (such as `ObjectStorageBlock`): only concrete block types register."""


def block_schema_to_key(schema: Any) -> str:
    """The key a block class is looked up by: its type slug. Takes a `Block` class or a
    schema with a `block_type` that has a `slug` (a `BlockSchema`)."""
    if isinstance(schema, type) and issubclass(schema, Block):
        return schema.get_block_type_slug()
    block_type = getattr(schema, "block_type", None)
    if block_type is None:
        raise ValueError("Block type is not set")
    return f"{block_type.slug}"


class _ClassOrInstanceMethod:
    """`Secret.delete("name")` on the class, `block.delete()` on a loaded instance."""

    def __init__(self, func: Callable[..., Any], aio: Callable[..., Any] | None = None) -> None:
        self.func = func
        self.aio = aio
        functools.update_wrapper(self, func)

    def __get__(self, instance: Any, owner: type) -> Callable[..., Any]:
        bound = functools.partial(self.func, owner, instance)
        if self.aio is not None:
            bound.aio = self.aio.__get__(instance, owner)  # type: ignore[attr-defined]
        return bound


class SavedDocumentId(uuid.UUID):
    """The id `save` returns; also awaitable, for Prefect code that says `await block.save()`."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, uuid.UUID]:
        return self
        yield  # makes this a generator: awaiting finishes at once with the id


class Block(BaseModel):
    """Base class of every block type."""

    model_config = ConfigDict(
        extra="allow",  # as in Prefect: a dump's `block_type_slug` validates back
        hide_input_in_errors=True,  # a rejected value may be a secret: keep it out of errors
        ignored_types=(_ClassOrInstanceMethod,),
        json_schema_extra=schema_extra,  # type: ignore[typeddict-item]
    )

    # set by a block class to describe its type
    _block_type_name: ClassVar[str | None] = None
    _block_type_slug: ClassVar[str | None] = None
    _logo_url: ClassVar[str | None] = None
    _documentation_url: ClassVar[str | None] = None
    _description: ClassVar[str | None] = None
    _code_example: ClassVar[str | None] = None
    _block_schema_capabilities: ClassVar[list[str] | None] = None
    _block_schema_version: ClassVar[str | None] = None
    # set by registration (`register_type_and_schema`, `save`) or a loaded document
    _block_type_id: ClassVar[uuid.UUID | None] = None
    _block_schema_id: ClassVar[uuid.UUID | None] = None

    _block_document_id: uuid.UUID | None = PrivateAttr(None)
    _block_document_name: str | None = PrivateAttr(None)
    _is_anonymous: bool | None = PrivateAttr(None)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        register_block_type(cls)

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        """`BaseBlock(**child.model_dump())` makes the child class the dump names."""
        slug = kwargs.get("block_type_slug")
        if slug:
            subclass = cls.get_block_class_from_key(slug)
            if subclass is not cls and issubclass(subclass, cls):
                return super().__new__(subclass)
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.block_initialization()

    def block_initialization(self) -> None:
        """Runs after validation; override instead of `__init__`."""

    def __str__(self) -> str:
        return self.__repr__()

    def __repr_args__(self) -> Any:
        fields = type(self).model_fields
        return [(k, v) for k, v in super().__repr_args__() if k is None or k in fields]

    @model_validator(mode="wrap")
    @classmethod
    def _load_reference(cls, value: Any, handler: Any) -> Any:
        """`{"$ref": document id}` or `{"$ref": {"block_document_id": ...}}` where a block
        is expected (a flow parameter, a field) is the block saved under that id."""
        if isinstance(value, dict) and value.keys() == {"$ref"}:
            value = Block.load_from_ref(value["$ref"], _sync=True)
        return handler(value)

    @model_validator(mode="before")
    @classmethod
    def _check_block_type_slug(cls, values: Any) -> Any:
        """A dump of another block type does not validate as this one (this is what lets
        a union of block types pick the right member)."""
        if isinstance(values, dict) and values.get("block_type_slug"):
            expected = cls.get_block_type_slug()
            if values["block_type_slug"] != expected:
                raise ValueError(
                    f"Invalid block_type_slug: expected {expected!r}, "
                    f"got {values['block_type_slug']!r}"
                )
        return values

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        context = info.context if isinstance(info.context, dict) else {}
        if context.get("serialize_blocks_as_references"):
            if self._block_document_id is None:
                raise BlockNotSavedError(
                    "Block must be saved with `.save()` before it can be used as a "
                    "deployment parameter."
                )
            return {"$ref": {"block_document_id": str(self._block_document_id)}}
        dumped = handler(self)
        if context.get("include_secrets") is True:
            as_json = info.mode == "json"
            for name, field in type(self).model_fields.items():
                key = (field.alias or name) if info.by_alias else name
                if key in dumped and self._field_has_secrets(name):
                    dumped[key] = _revealed(getattr(self, name), as_json, bool(info.by_alias))
        extras = {
            "block_type_slug": self.get_block_type_slug(),
            "_block_document_id": self._block_document_id,
            "_block_document_name": self._block_document_name,
            "_is_anonymous": self._is_anonymous,
        }
        for key, value in extras.items():
            if value is not None:
                as_text = info.mode == "json" and isinstance(value, uuid.UUID)
                dumped[key] = str(value) if as_text else value
        return dumped

    @classmethod
    def model_validate(cls: type[B], obj: Any, **kwargs: Any) -> B:
        if isinstance(obj, dict) and obj.keys() & _DUMP_EXTRAS:
            obj = {k: v for k, v in obj.items() if k == "block_type_slug" or k not in _DUMP_EXTRAS}
        return super().model_validate(obj, **kwargs)

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        dumped = super().model_dump(**kwargs)
        include, exclude = kwargs.get("include"), kwargs.get("exclude")
        for key in _DUMP_EXTRAS & dumped.keys():
            if (include and key not in include) or (exclude and key in exclude):
                dumped.pop(key)
        return dumped

    @classmethod
    def model_json_schema(cls, by_alias: bool = True, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """pydantic's schema plus the block keys (see `headrace.blocks.json_schema`)."""
        if not args:  # Prefect's definitions live under `definitions`
            kwargs.setdefault("ref_template", "#/definitions/{model}")
        schema = super().model_json_schema(by_alias, *args, **kwargs)
        if "$defs" in schema:
            schema["definitions"] = schema.pop("$defs")
        schema = json_schema.without_keys(schema, frozenset({"additionalProperties"}))
        json_schema.add_positions(schema, cls, by_alias)
        nested = json_schema.nested_block_classes(cls)
        for name, definition in schema.get("definitions", {}).items():
            if name in nested:
                json_schema.add_positions(definition, nested[name], by_alias)
        return schema

    # -- block type --------------------------------------------------------------------
    @classmethod
    def __dispatch_key__(cls) -> str | None:
        return None if cls is Block else cls.get_block_type_slug()

    @classmethod
    def get_block_type_name(cls) -> str:
        """The class's own `_block_type_name`, else its class name."""
        return cls.__dict__.get("_block_type_name") or cls.__name__

    @classmethod
    def get_block_type_slug(cls) -> str:
        """The class's own `_block_type_slug`, else its display name made a slug, as
        Prefect does (`"S3 Bucket"` -> `s3-bucket`, `MyBlock` -> `myblock`). Unlike in
        Prefect, a subclass does not inherit its parent's slug: it is another type."""
        return slugify(cls.__dict__.get("_block_type_slug") or cls.get_block_type_name())

    @classmethod
    def get_block_class_from_key(cls: type[B], key: str) -> type[B]:
        """The block class registered under the slug `key` (plugins' types included)."""
        load_prefect_collections(key)
        try:
            return lookup_block_type(key)  # type: ignore[return-value]
        except UnknownBlockType as exc:
            raise UnknownBlockType(
                f"No block class found for slug {key!r}. Please ensure that the block class "
                f"is available in the current environment. ({exc})"
            ) from None

    @classmethod
    def get_block_class_from_schema(cls: type[B], schema: BlockSchema) -> type[B]:
        return cls.get_block_class_from_key(block_schema_to_key(schema))

    @staticmethod
    def is_block_class(block: Any) -> bool:
        return registry.is_block_class(block) and typing.get_origin(block) is None

    @staticmethod
    def annotation_refers_to_block_class(annotation: Any) -> bool:
        if Block.is_block_class(annotation):
            return True
        return any(Block.is_block_class(a) for a in typing.get_args(annotation))

    @classmethod
    def get_block_capabilities(cls) -> frozenset[str]:
        """Capabilities declared by this class and its bases (e.g. `write-path`)."""
        found: set[str] = set()
        for klass in cls.__mro__:
            found.update(klass.__dict__.get("_block_schema_capabilities") or [])
        return frozenset(found)

    @classmethod
    def get_block_schema_version(cls) -> str:
        """`_block_schema_version`, else the version of the package the class is in
        (`headrace` for built-in blocks), else `non-versioned`."""
        if cls._block_schema_version:
            return cls._block_schema_version
        package = sys.modules.get(cls.__module__.split(".")[0] or "__main__")
        try:
            return Version(package.__version__).base_version  # type: ignore[union-attr]
        except (AttributeError, InvalidVersion, TypeError):
            return DEFAULT_BLOCK_SCHEMA_VERSION

    @classmethod
    def _calculate_schema_checksum(cls, block_schema_fields: dict[str, Any] | None = None) -> str:
        """`sha256:...` of the block schema; the same value Prefect computes."""
        if block_schema_fields is not None:
            return json_schema.checksum(block_schema_fields)
        cached = _checksums.get(cls)
        if cached is None:
            try:
                cached = json_schema.checksum(cls.model_json_schema())
            except PydanticUserError:  # a field type with no JSON schema: hash the fields
                cached = json_schema.checksum({"fields": _field_signature(cls)})
            _checksums[cls] = cached
        return cached

    @classmethod
    def get_block_schema_checksum(cls) -> str:
        """Changes whenever a field is added, removed, retyped or made (non-)required."""
        return cls._calculate_schema_checksum()

    @classmethod
    def _to_block_schema_reference_dict(cls) -> dict[str, str]:
        return {
            "block_type_slug": cls.get_block_type_slug(),
            "block_schema_checksum": cls._calculate_schema_checksum(),
        }

    def _field_has_secrets(self, field_name: str) -> bool:
        return any(
            path == field_name or path.startswith(f"{field_name}.")
            for path in json_schema.secret_fields(type(self))
        )

    @classmethod
    def get_description(cls) -> str | None:
        """`_description`, else the first paragraph of the class's own docstring."""
        if cls._description is not None:
            return cls._description
        doc = cls.__dict__.get("__doc__")
        if not doc:
            return None
        first = re.split(r"\n\s*\n", inspect.cleandoc(doc), maxsplit=1)[0]
        return " ".join(first.split())

    @classmethod
    def get_code_example(cls) -> str | None:
        """The usage example of the block type: `_code_example`, else the `Example:` /
        `Examples:` section of the class docstring, else a `load` snippet."""
        if cls._code_example is not None:
            return textwrap.dedent(cls._code_example)
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
        variable = f"{cls.get_block_type_slug().replace('-', '_')}_block"
        return (
            f"```python\nfrom {cls.__module__} import {cls.__name__}\n\n"
            f'{variable} = {cls.__name__}.load("BLOCK_NAME")\n```'
        )

    # -- type, schema and document objects ---------------------------------------------
    @classmethod
    def _to_block_type(cls) -> BlockType:
        """The `BlockType` this class describes (its id once registered)."""
        return BlockType(
            id=cls._block_type_id or uuid.uuid4(),
            slug=cls.get_block_type_slug(),
            name=cls.get_block_type_name(),
            logo_url=None if cls._logo_url is None else str(cls._logo_url),
            documentation_url=None
            if cls._documentation_url is None
            else str(cls._documentation_url),
            description=cls.get_description(),
            code_example=cls.get_code_example(),
        )

    @classmethod
    def _to_block_schema(cls, block_type_id: uuid.UUID | None = None) -> BlockSchema:
        """The `BlockSchema` of this class: fields, checksum, capabilities, version."""
        return BlockSchema(
            id=cls._block_schema_id or uuid.uuid4(),
            checksum=cls._calculate_schema_checksum(),
            fields=cls.model_json_schema(),
            block_type_id=block_type_id or cls._block_type_id,
            block_type=cls._to_block_type(),
            capabilities=sorted(cls.get_block_capabilities()),
            version=cls.get_block_schema_version(),
        )

    def _to_block_document(
        self,
        name: str | None = None,
        block_schema_id: uuid.UUID | None = None,
        block_type_id: uuid.UUID | None = None,
        is_anonymous: bool | None = None,
        include_secrets: bool = False,
    ) -> BlockDocument:
        """The `BlockDocument` of this block's values: nested blocks saved on their own
        as `$ref`s, others inline; secrets kept as secret objects unless
        `include_secrets`."""
        if is_anonymous is None:
            is_anonymous = bool(self._is_anonymous)
        if not is_anonymous and not name and not self._block_document_name:
            raise ValueError("No name provided, either as an argument or on the block.")
        block_schema_id = block_schema_id or self._block_schema_id
        block_type_id = block_type_id or self._block_type_id
        if block_schema_id is None:
            raise ValueError("No block schema ID provided, either as an argument or on the block.")
        if block_type_id is None:
            raise ValueError("No block type ID provided, either as an argument or on the block.")
        context = {"include_secrets": include_secrets}
        data: dict[str, Any] = {}
        for field_name, field in type(self).model_fields.items():
            key = field.alias or field_name
            value = getattr(self, field_name)
            if isinstance(value, Block) and value._block_document_id is not None:
                data[key] = {"$ref": {"block_document_id": value._block_document_id}}
            elif isinstance(value, Block) or self._field_has_secrets(field_name):
                data[key] = self.model_dump(include={field_name}, by_alias=True, context=context)[
                    key
                ]
            else:
                data[key] = self.model_dump(include={field_name}, by_alias=True, mode="json")[key]
        return BlockDocument(
            id=self._block_document_id or uuid.uuid4(),
            name=None if is_anonymous else (name or self._block_document_name),
            data=data,
            block_schema_id=block_schema_id,
            block_schema=self._to_block_schema(block_type_id=block_type_id),
            block_type_id=block_type_id,
            block_type_name=self._block_type_name,
            block_type=self._to_block_type(),
            is_anonymous=is_anonymous,
        )

    @classmethod
    def _from_block_document(cls: type[B], block_document: BlockDocument) -> B:
        """A block from a `BlockDocument`; through `Block` itself, the class its schema's
        block type names. `$ref`s to saved documents are loaded from the store."""
        if block_document.block_schema is None:
            raise ValueError("Unable to determine block schema for provided block document")
        block_cls = cls
        if cls is Block:
            block_cls = cls.get_block_class_from_schema(block_document.block_schema)
        block = block_cls.model_validate(_resolve_refs(block_document.data))
        block._block_document_id = block_document.id
        type(block)._block_schema_id = block_document.block_schema_id
        type(block)._block_type_id = block_document.block_type_id
        block._block_document_name = block_document.name
        block._is_anonymous = block_document.is_anonymous
        block._define_metadata_on_nested_blocks(block_document.block_document_references)
        return block  # type: ignore[return-value]

    def _define_metadata_on_nested_blocks(
        self,
        block_document_references: dict[str, dict[str, Any]],
        _depth: int = 0,
        _max_depth: int = 50,
        _visited: set[int] | None = None,
    ) -> None:
        """Give nested blocks the document ids and names a document's references carry;
        bounded in depth and safe against references that loop back on themselves."""
        if _depth > _max_depth:
            return
        visited = set() if _visited is None else _visited
        if id(block_document_references) in visited:
            return
        visited.add(id(block_document_references))
        for field_name, reference in block_document_references.items():
            nested = getattr(self, field_name, None)
            if not isinstance(nested, Block):
                continue
            info = reference.get("block_document", {})
            nested._define_metadata_on_nested_blocks(
                info.get("block_document_references", {}), _depth + 1, _max_depth, visited
            )
            nested_id = info.get("id")
            nested._block_document_id = uuid.UUID(str(nested_id)) if nested_id else None
            nested._block_document_name = info.get("name")
            nested._is_anonymous = info.get("is_anonymous")

    def get_block_placeholder(self) -> str:
        """`prefect.blocks.<slug>.<name>`, the placeholder templates use for this block."""
        if not self._block_document_name:
            raise BlockNotSavedError("Could not generate block placeholder for unsaved block.")
        return f"prefect.blocks.{self.get_block_type_slug()}.{self._block_document_name}"

    # -- registration ------------------------------------------------------------------
    @classmethod
    async def aregister_type_and_schema(cls, client: Any = None) -> None:
        """`register_type_and_schema` in async code."""
        cls.register_type_and_schema(_sync=True)

    @classmethod
    @async_dispatch(aregister_type_and_schema)
    def register_type_and_schema(cls, client: Any = None) -> None:
        """Make the type (and the block types nested in its fields) loadable by slug and
        give it its type and schema ids. headrace derives the ids from the slug and the
        schema checksum, so every process agrees on them without a server round trip.
        Classes register themselves when defined; calling this again is harmless."""
        if cls is Block:
            raise InvalidBlockRegistration(
                "`register_type_and_schema` should be called on a Block "
                "subclass and not on the Block class directly."
            )
        if abc.ABC in cls.__bases__ or inspect.isabstract(cls):
            raise InvalidBlockRegistration(
                "`register_type_and_schema` should be called on a Block "
                "subclass and not on a Block interface class directly."
            )
        for nested in json_schema.nested_block_classes(cls).values():
            if nested._block_type_id is None and not inspect.isabstract(nested):
                nested.register_type_and_schema(_sync=True)
        register_block_type(cls)
        slug, checksum = cls.get_block_type_slug(), cls._calculate_schema_checksum()
        cls._block_type_id = uuid.uuid5(_ID_NAMESPACE, f"block-type:{slug}")
        version = cls.get_block_schema_version()
        cls._block_schema_id = uuid.uuid5(_ID_NAMESPACE, f"block-schema:{checksum}:{version}")

    # -- save --------------------------------------------------------------------------
    async def asave(
        self, name: str | None = None, overwrite: bool = False, client: Any = None
    ) -> SavedDocumentId:
        """`save` without blocking the event loop."""
        return await asyncio.to_thread(self.save, name, overwrite, _sync=True)

    @async_dispatch(asave)
    def save(
        self, name: str | None = None, overwrite: bool = False, client: Any = None
    ) -> SavedDocumentId:
        """Save under `name`; refuses to replace an existing document unless `overwrite`.
        Without a name, a block that was loaded or saved is saved under its own name."""
        return self._save(name, overwrite=overwrite)

    def _save(
        self,
        name: str | None = None,
        is_anonymous: bool = False,
        overwrite: bool = False,
        client: Any = None,
    ) -> SavedDocumentId:
        """Save as a named document, or with `is_anonymous=True` as a new anonymous one
        (a generated name; anonymous documents are not listed). The id it returns can be
        awaited, so Prefect's `await block._save(...)` works too."""
        if is_anonymous:
            name = f"anonymous-{uuid.uuid4()}"
        elif name is None:
            if self._block_document_name is None or self._is_anonymous:
                raise InvalidBlockName(
                    "You're attempting to save a block document without a name. Please "
                    "either call `save` with a `name` or pass `is_anonymous=True` to save "
                    f"an anonymous block, e.g. {type(self).__name__}.save('my-block')"
                )
            name = self._block_document_name
        validate_name(name)
        unsaved = sorted(set(self.model_extra or ()) - {"block_type_slug"})
        if unsaved:  # accepted, as Prefect accepts them, but they are not fields
            warnings.warn(
                f"{type(self).__name__} has no field(s) {', '.join(map(repr, unsaved))}: "
                f"they are not saved (fields: {', '.join(type(self).model_fields)})",
                stacklevel=3,
            )
        type(self).register_type_and_schema(_sync=True)
        store = get_store()
        cipher = store_cipher(store)  # a wrong key fails here, before anything is written
        write = _document_write(store, cipher, self, name, is_anonymous, overwrite)
        store.blocks.save([write], overwrite)
        self._block_document_id = uuid.UUID(write.document.id)
        self._block_document_name = name
        self._is_anonymous = is_anonymous
        return SavedDocumentId(write.document.id)

    # -- load --------------------------------------------------------------------------
    @classmethod
    async def aload(cls: type[B], name: str, validate: bool = True, client: Any = None) -> B:
        """`load` without blocking the event loop."""
        return await asyncio.to_thread(cls.load, name, validate, _sync=True)

    @classmethod
    @async_dispatch(aload)
    def load(cls: type[B], name: str, validate: bool = True, client: Any = None) -> B:
        """Load a saved block: `Secret.load("name")` or `Block.load("secret/name")`.

        With `validate=False` a document that no longer validates (a field was added
        since it was saved) is loaded as it is, the missing fields set to None, with a
        warning, instead of raising.
        """
        target, slug, doc_name = cls._resolve_load_target(name)
        store = get_store()
        row = store.blocks.find(slug, doc_name)
        old_slug = legacy_slug(target) if row is None else None
        if old_slug is not None:
            row = store.blocks.find(old_slug, doc_name)
        if row is None:
            raise documents.not_found(store, slug, doc_name)
        cipher = store_cipher(store)
        return target._from_row(row, lambda id_: _load_child(store, cipher, id_), cipher, validate)

    @classmethod
    async def aload_from_ref(
        cls: type[B], ref: Any, validate: bool = True, client: Any = None
    ) -> B:
        """`load_from_ref` without blocking the event loop."""
        return await asyncio.to_thread(cls.load_from_ref, ref, validate, _sync=True)

    @classmethod
    @async_dispatch(aload_from_ref)
    def load_from_ref(cls: type[B], ref: Any, validate: bool = True, client: Any = None) -> B:
        """A block from a reference: a document id (UUID or its string), a
        `"block-type/name"` string, or a dict with `block_document_id`,
        `block_document_slug`, or `block_type_slug` and `block_document_name`."""
        if isinstance(ref, dict):
            if "block_document_id" in ref:
                ref = ref["block_document_id"]
            elif "block_document_slug" in ref:
                ref = ref["block_document_slug"]
            elif "block_type_slug" in ref and "block_document_name" in ref:
                ref = f"{ref['block_type_slug']}/{ref['block_document_name']}"
            else:
                raise ValueError(f"Invalid reference format {ref!r}.")
        if isinstance(ref, str) and "/" in ref:
            return cls.load(ref, validate, _sync=True)
        try:
            doc_id = str(uuid.UUID(str(ref)))
        except ValueError:
            raise ValueError(f"Block document ID {ref!r} is not a valid UUID") from None
        store = get_store()
        row = store.blocks.get_by_id(doc_id)
        if row is None:
            raise BlockNotFound(f"Unable to find block document with ID {doc_id!r}")
        stored_cls = lookup_block_type(row.block_type_slug)
        if cls is Block or issubclass(stored_cls, cls):
            return load_document(store, row, validate)  # type: ignore[return-value]
        # another type's document read as this type, as Prefect does: it loads if its
        # values validate as this class (RuntimeError, as a drifted document, if not)
        cipher = store_cipher(store)
        return cls._from_row(row, lambda id_: _load_child(store, cipher, id_), cipher, validate)

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
            _warn_partial_load(cls, row, exc, values)
            missing = _missing_fields(exc, values)
            block = cls.model_construct(**values, **dict.fromkeys(missing))
        block._block_document_id = uuid.UUID(row.id)
        block._block_document_name = row.name
        block._is_anonymous = row.is_anonymous
        return block

    # -- delete ------------------------------------------------------------------------
    @_ClassOrInstanceMethod
    def delete(
        cls,
        self: Block | None,
        name: str | None = None,
        client: Any = None,
        _sync: bool | None = None,
    ) -> None:
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
    async def adelete(cls, self: Block | None, name: str | None = None, client: Any = None) -> None:
        """`delete` without blocking the event loop."""
        if self is not None:
            await asyncio.to_thread(self.delete, name, _sync=True)
        else:
            await asyncio.to_thread(cls.delete, name, _sync=True)

    delete.aio = adelete


# `utilities.dispatch.register_type` / `lookup_type` on a Block subclass use the block registry
register_own_registry(Block, registry._types, register_block_type)


def _field_signature(cls: type[Block]) -> list[str]:
    return sorted(
        f"{name}:{info.annotation!r}:{info.is_required()}"
        for name, info in cls.model_fields.items()
    )


def _revealed(value: Any, as_json: bool, by_alias: bool) -> Any:
    """`value` with every secret in it revealed (a dump with `include_secrets`)."""
    if isinstance(value, SECRET_TYPES):
        return _revealed(value.get_secret_value(), as_json, by_alias)
    if isinstance(value, Block):
        return value.model_dump(
            mode="json" if as_json else "python",
            by_alias=by_alias,
            context={"include_secrets": True},
        )
    if isinstance(value, BaseModel):
        return {
            ((f.alias or n) if by_alias else n): _revealed(getattr(value, n), as_json, by_alias)
            for n, f in type(value).model_fields.items()
        }
    if isinstance(value, dict):
        return {k: _revealed(v, as_json, by_alias) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_revealed(v, as_json, by_alias) for v in value]
    return render_secrets(value, True, as_json)


def _resolve_refs(data: Any) -> Any:
    """A document's data with each `{"$ref": {"block_document_id": ...}}` replaced by the
    block saved under that id."""
    if isinstance(data, dict):
        ref = data.get("$ref")
        if data.keys() == {"$ref"} and isinstance(ref, dict) and "block_document_id" in ref:
            return Block.load_from_ref(ref["block_document_id"], _sync=True)
        return {k: _resolve_refs(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_resolve_refs(v) for v in data]
    return data


def _document_write(
    store: Store, cipher: Fernet, block: Block, name: str, anonymous: bool, overwrite: bool
) -> BlockDocumentWrite:
    """The write of `block`'s document: nested blocks saved on their own are referenced,
    the others kept inline."""
    slug = block.get_block_type_slug()
    existing = None if anonymous else store.blocks.find(slug, name)
    if existing is not None and not overwrite:
        raise BlockAlreadyExists(
            "You are attempting to save values with a name that is already in use for this "
            f"block type: a block {slug}/{name} is already saved. If you would like to "
            "overwrite the values that are saved, then save with `overwrite=True`."
        )
    doc_id = existing.id if existing is not None else str(uuid.uuid4())
    references: dict[str, str] = {}

    def ref_for(child: Block, path: str) -> str | None:
        child_id = _existing_child_id(store, child)
        if child_id is not None:
            references[path] = child_id
        return child_id

    data = {key: codec.encode(v, ref_for, key) for key, v in codec.model_fields_of(block).items()}
    document = StoredDocument(
        id=doc_id,
        block_type_slug=slug,
        name=name,
        is_anonymous=anonymous,
        data=cipher.encrypt(json.dumps(data, separators=(",", ":")).encode()),
        schema_version=block.get_block_schema_version(),
        schema_checksum=block.get_block_schema_checksum(),
    )
    return BlockDocumentWrite(document, references)


def _existing_child_id(store: Store, child: Block) -> str | None:
    """The document id of an already-saved nested block still present in this store."""
    if child._block_document_id is None or child._block_document_name is None:
        return None
    row = store.blocks.find(child.get_block_type_slug(), child._block_document_name)
    return row.id if row is not None and row.id == str(child._block_document_id) else None


def load_document(store: Store, document: StoredDocument, validate: bool = True) -> Block:
    """The block a stored document holds, decrypted with this machine's key (for readers
    that start from a document, such as `get_client()`)."""
    cipher = store_cipher(store)
    block_class = lookup_block_type(document.block_type_slug)
    return block_class._from_row(
        document, lambda id_: _load_child(store, cipher, id_), cipher, validate
    )


def api_document(store: Store, row: StoredDocument, include_secrets: bool) -> BlockDocument:
    """A stored document as Prefect's API returns it (what `get_client()` reads): the
    values, secrets masked unless `include_secrets`, nested saved blocks as their values,
    with the block type, schema and the nested documents in `block_document_references`,
    so that `Block._from_block_document` builds the block back."""
    block = load_document(store, row, validate=False)
    block_class = type(block)
    block_class.register_type_and_schema(_sync=True)
    fields = codec.model_fields_of(block)
    data = (
        {key: codec.revealed(value) for key, value in fields.items()}
        if include_secrets
        else codec.masked_fields(block)
    )
    references = {
        key: {"block_document": _reference_of(value)}
        for key, value in fields.items()
        if isinstance(value, Block) and value._block_document_id is not None
    }
    return BlockDocument(
        id=uuid.UUID(row.id),
        name=None if row.is_anonymous else row.name,
        data=data,
        block_schema_id=block_class._block_schema_id,
        block_schema=block_class._to_block_schema(),
        block_type_id=block_class._block_type_id,
        block_type_name=block_class.get_block_type_name(),
        block_type=block_class._to_block_type(),
        block_document_references=references,
        is_anonymous=row.is_anonymous,
        created=row.created or None,
        updated=row.updated or None,
    )


def _reference_of(block: Block) -> dict[str, Any]:
    nested = {
        key: {"block_document": _reference_of(value)}
        for key, value in codec.model_fields_of(block).items()
        if isinstance(value, Block) and value._block_document_id is not None
    }
    return {
        "id": str(block._block_document_id),
        "name": block._block_document_name,
        "is_anonymous": bool(block._is_anonymous),
        "block_type": {"slug": block.get_block_type_slug(), "name": block.get_block_type_name()},
        "block_document_references": nested,
    }


def _load_child(store: Store, cipher: Fernet, doc_id: str) -> Block:
    row = documents.get_by_id(store, doc_id)
    child_cls = lookup_block_type(row.block_type_slug)
    return child_cls._from_row(row, lambda id_: _load_child(store, cipher, id_), cipher)


def _missing_fields(exc: ValidationError, values: dict[str, Any]) -> list[str]:
    errors = exc.errors(include_input=False)
    return sorted({str(e["loc"][0]) for e in errors if e["loc"]} - values.keys())


def _warn_partial_load(
    cls: type[Block], row: documents.DocumentRow, exc: ValidationError, values: dict[str, Any]
) -> None:
    where = f"Could not fully load {row.name!r} of block type {row.block_type_slug!r}"
    missing = _missing_fields(exc, values)
    if missing:
        message = (
            f"{where} - this is likely because one or more required fields were added to "
            f"the schema for {cls.__name__!r} that did not exist on the class when this "
            f"block was last saved. Please specify values for new field(s): "
            f"{', '.join(missing)}, then run `{cls.__name__}.save({row.name!r}, "
            "overwrite=True)`, and load this block again before attempting to use it."
        )
    else:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_input=False)
        )
        message = f"{where}: it does not validate as {cls.__name__} ({problems}); loaded as saved."
    warnings.warn(message, stacklevel=5)


def _drift_error(cls: type[Block], row: documents.DocumentRow, exc: ValidationError) -> Exception:
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    missing = [".".join(map(str, e["loc"])) for e in errors if e["type"] == "missing"]
    where = f"Unable to load {row.name!r} of block type {row.block_type_slug!r} ({row.reference})"
    retry = "To load without validation, try loading again with `validate=False`."
    if missing and row.schema_checksum != cls.get_block_schema_checksum():
        fields = ", ".join(repr(m) for m in missing)
        return BlockDocumentInvalid(
            f"{where}: it was saved by an older {cls.__name__} (schema version "
            f"{row.schema_version}) and lacks the field(s) {fields}, which {cls.__name__} now "
            f"requires without a default. Re-save it (`headrace block create "
            f"{row.block_type_slug} {row.name} --overwrite ...`) or give the field a default. "
            f"{retry}"
        )
    problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}" for e in errors)
    return BlockDocumentInvalid(
        f"{where}: it no longer validates as {cls.__name__}: {problems}. Re-save it. {retry}"
    )


def resolve_block_reference(value: Block | str) -> Block:
    """A block from a block or a `"block-type-slug/name"` string (e.g. for `result_storage=`)."""
    if isinstance(value, Block):
        return value
    if isinstance(value, str):
        return Block.load(value, _sync=True)
    raise TypeError(f"expected a Block or a 'block-type/name' string, not {type(value).__name__}")
