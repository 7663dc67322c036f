"""Block types, schemas and documents as Prefect models them, over headrace's store."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from pydantic import BaseModel, SecretBytes, SecretStr
from pydantic_core import core_schema

from headrace.blocks.core import Block, InvalidBlockRegistration
from headrace.blocks.schemas import BlockDocument
from headrace.blocks.system import Secret
from headrace.client.orchestration import get_client
from headrace.secrets import SecretDict
from headrace.utilities.dispatch import lookup_type


class Endpoint(Block):
    url: str
    retries: int = 1


class Vault(Block):
    """Where the keys are kept.

    Example:
        ```python
        Vault.load("main")
        ```
    """

    token: SecretStr
    blob: SecretBytes
    extra: SecretDict
    name: str


class Service(Block):
    vault: Vault
    fallback: Endpoint | str


class Base(Block):
    base: int = 0


class ChildA(Base):
    a: int = 1


class ChildB(Base):
    b: int = 2


class Holder(BaseModel):
    block: Base


def test_schema_carries_slug_secrets_references_and_positions() -> None:
    schema = Service.model_json_schema()
    assert schema["block_type_slug"] == "service"
    assert schema["secret_fields"] == ["vault.token", "vault.blob", "vault.extra.*"]
    assert schema["block_schema_references"] == {
        "vault": {
            "block_type_slug": "vault",
            "block_schema_checksum": Vault._calculate_schema_checksum(),
        },
        "fallback": {
            "block_type_slug": "endpoint",
            "block_schema_checksum": Endpoint._calculate_schema_checksum(),
        },
    }
    assert [schema["properties"][k]["position"] for k in ("vault", "fallback")] == [0, 1]
    vault = schema["definitions"]["Vault"]
    assert vault["description"] == "Where the keys are kept."
    assert [vault["properties"][k]["position"] for k in ("token", "blob", "extra", "name")] == [
        0,
        1,
        2,
        3,
    ]
    assert vault["properties"]["extra"] == {"title": "Extra", "type": "object", "position": 2}
    assert "$defs" not in json.dumps(schema)


def test_checksum_is_the_one_prefect_computes() -> None:
    """The value Prefect's own test suite expects for this class (a saved schema matches
    across the two)."""

    class MyRegisteredBlock(Block):
        x: str
        y: int = 1

    assert MyRegisteredBlock._calculate_schema_checksum() == (
        "sha256:0170f6bdcfdab859f8a7724becba29ad359b0116d0a3492356c1028369edbf8c"
    )


def test_block_type_and_schema_objects() -> None:
    block_type = Vault._to_block_type()
    assert (block_type.slug, block_type.name) == ("vault", "Vault")
    assert block_type.code_example == '```python\nVault.load("main")\n```'
    schema = Vault._to_block_schema(block_type_id=block_type.id)
    assert schema.block_type_id == block_type.id
    assert schema.checksum == Vault._calculate_schema_checksum()
    assert schema.version == "non-versioned"
    assert Secret._to_block_schema().version.count(".") == 2  # headrace's own version


def test_registration_gives_stable_ids_and_refuses_interfaces() -> None:
    Service.register_type_and_schema()
    first = (Service._block_type_id, Service._block_schema_id, Vault._block_type_id)
    assert all(isinstance(i, uuid.UUID) for i in first)
    Service.register_type_and_schema()
    assert (Service._block_type_id, Service._block_schema_id, Vault._block_type_id) == first
    with pytest.raises(InvalidBlockRegistration, match="not on the Block class directly"):
        Block.register_type_and_schema()
    for method in (Block.save, Block.delete, Block.load_from_ref, Block.register_type_and_schema):
        assert hasattr(method, "aio")


def test_block_document_masks_secrets_unless_asked() -> None:
    vault = Vault(token="t0k", blob=b"b1n", extra={"k": {"deep": "v"}}, name="main")
    document = vault._to_block_document(
        name="main", block_schema_id=uuid.uuid4(), block_type_id=uuid.uuid4()
    )
    assert isinstance(document.data["token"], SecretStr)
    masked = document.model_dump(mode="json")["data"]
    assert masked == {"token": "********", "blob": "********", "extra": "********", "name": "main"}
    assert "t0k" not in document.model_dump_json() and "t0k" not in repr(document)
    revealed = vault._to_block_document(
        name="main", block_schema_id=uuid.uuid4(), block_type_id=uuid.uuid4(), include_secrets=True
    ).model_dump(mode="json", context={"include_secrets": True})["data"]
    assert revealed == {
        "token": "t0k",
        "blob": "b1n",
        "extra": {"k": {"deep": "v"}},
        "name": "main",
    }
    with pytest.raises(ValueError, match="No name provided"):
        vault._to_block_document(block_schema_id=uuid.uuid4(), block_type_id=uuid.uuid4())


def test_a_document_round_trips_and_its_refs_load_from_the_store() -> None:
    endpoint = Endpoint(url="https://a")
    endpoint.save("primary")
    vault = Vault(token="t", blob=b"b", extra={}, name="v")
    service = Service(vault=vault, fallback=endpoint)
    Service.register_type_and_schema()
    document = service._to_block_document(name="svc")
    assert document.data["fallback"] == {"$ref": {"block_document_id": endpoint._block_document_id}}
    assert document.data["vault"]["block_type_slug"] == "vault"  # unsaved: inline

    rebuilt = Block._from_block_document(document)
    assert type(rebuilt) is Service
    assert rebuilt.fallback == Endpoint.load("primary")
    assert rebuilt.vault.token.get_secret_value() == "t"
    assert rebuilt._block_document_name == "svc"
    assert rebuilt._block_type_id == Service._block_type_id


def test_a_dump_names_its_type_and_a_base_class_validates_it_as_that_type() -> None:
    dumped = ChildA(a=5).model_dump()
    assert dumped == {"base": 0, "a": 5, "block_type_slug": "childa"}
    assert type(Base.model_validate(dumped)) is ChildA
    assert type(Base.model_validate_json(ChildB().model_dump_json())) is ChildB
    assert type(Holder(block=ChildB().model_dump()).block) is ChildB
    assert lookup_type(Block, ChildA.__dispatch_key__()) is ChildA

    class Either(BaseModel):
        block: ChildA | ChildB

    assert type(Either(block=ChildB(b=4).model_dump()).block) is ChildB


def test_dumps_reveal_secrets_only_with_include_secrets() -> None:
    vault = Vault(token="t0k", blob=b"b1n", extra={"k": "v"}, name="n")
    assert vault.model_dump(mode="json")["extra"] == "**********"
    assert vault.model_dump(mode="json")["token"] == "**********"
    shown = vault.model_dump(mode="json", context={"include_secrets": True})
    assert (shown["token"], shown["blob"], shown["extra"]) == ("t0k", "b1n", {"k": "v"})
    assert "block_type_slug" not in vault.model_dump(include={"name"})


def test_define_metadata_on_nested_blocks_is_bounded() -> None:
    service = Service(vault=Vault(token="t", blob=b"b", extra={}, name="v"), fallback="x")
    doc_id = uuid.uuid4()
    references: dict[str, Any] = {}
    references["vault"] = {
        "block_document": {
            "id": str(doc_id),
            "name": "vault-doc",
            "is_anonymous": False,
            "block_document_references": references,  # loops back on itself
        }
    }
    service._define_metadata_on_nested_blocks(references)
    assert service.vault._block_document_id == doc_id
    assert service.vault._block_document_name == "vault-doc"


class Version:
    """A value type pydantic serializes through its own schema (like SemanticVersion)."""

    def __init__(self, *parts: int) -> None:
        self.parts = parts

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and other.parts == self.parts

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return core_schema.no_info_plain_validator_function(
            lambda v: v if isinstance(v, cls) else cls(*(int(p) for p in str(v).split("."))),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: ".".join(map(str, v.parts))
            ),
        )


def test_a_field_type_with_its_own_serializer_saves_and_loads() -> None:
    """Such a type has no JSON schema either: the block still saves (its checksum then
    comes from the field types)."""

    class Release(Block):
        version: Version

    Release(version=Version(1, 2, 3)).save("current")
    assert Release.load("current").version == Version(1, 2, 3)
    assert Release.get_block_schema_checksum().startswith("sha256:")


def test_get_client_returns_the_same_document_model() -> None:
    Endpoint(url="https://b").save("second")
    with get_client(sync_client=True) as client:
        document = client.read_block_document_by_name("second", "endpoint")
    assert isinstance(document, BlockDocument)
    assert document.data["url"] == "https://b"
