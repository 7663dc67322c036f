"""Nested blocks are stored as references to their own documents and resolved on load."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from headrace.blocks import documents
from headrace.blocks.core import Block
from headrace.blocks.errors import BlockInUse, BlockNotFound
from headrace.filesystems import LocalFileSystem, WritableFileSystem
from headrace.store import get_store


class WarehouseCredentials(Block):
    user: str
    password: SecretStr


class Warehouse(Block):
    """A warehouse and the credentials to reach it."""

    host: str
    credentials: WarehouseCredentials
    replicas: list[WarehouseCredentials] = []


class ResultsHome(Block):
    storage: WritableFileSystem


def _all_documents() -> list[str]:
    rows = documents.list_documents(get_store(), include_anonymous=True)
    return [row.reference for row in rows]


def test_a_saved_nested_block_is_a_reference_not_a_copy() -> None:
    WarehouseCredentials(user="bob", password="one").save("prod")
    creds = WarehouseCredentials.load("prod")
    Warehouse(host="db.internal", credentials=creds).save("main")

    WarehouseCredentials(user="bob", password="two").save("prod", overwrite=True)
    loaded = Warehouse.load("main")
    assert loaded.credentials.password.get_secret_value() == "two"
    assert loaded.credentials._block_document_name == "prod"


def test_an_unsaved_nested_block_becomes_an_anonymous_document() -> None:
    Warehouse(
        host="db",
        credentials=WarehouseCredentials(user="a", password="p"),
        replicas=[WarehouseCredentials(user="r", password="q")],
    ).save("main")
    references = _all_documents()
    assert len(references) == 3
    assert sum(ref.startswith("warehouse-credentials/anonymous-") for ref in references) == 2
    assert [row.name for row in documents.list_documents(get_store())] == ["main"]

    loaded = Warehouse.load("main")
    assert loaded.credentials.user == "a"
    assert loaded.replicas[0].password.get_secret_value() == "q"
    assert loaded.credentials._is_anonymous


def test_anonymous_children_go_with_their_parent() -> None:
    Warehouse(host="db", credentials=WarehouseCredentials(user="a", password="p")).save("main")
    Warehouse.delete("main")
    assert _all_documents() == []


def test_overwriting_a_parent_drops_children_it_no_longer_uses() -> None:
    Warehouse(host="db", credentials=WarehouseCredentials(user="a", password="p")).save("main")
    Warehouse(host="db", credentials=WarehouseCredentials(user="b", password="p")).save(
        "main", overwrite=True
    )
    assert len(_all_documents()) == 2
    assert Warehouse.load("main").credentials.user == "b"


def test_resaving_a_loaded_parent_keeps_its_anonymous_child() -> None:
    Warehouse(host="db", credentials=WarehouseCredentials(user="a", password="p")).save("main")
    loaded = Warehouse.load("main")
    loaded.host = "db2"
    loaded.save(overwrite=True)
    assert len(_all_documents()) == 2
    assert Warehouse.load("main").credentials.user == "a"


def test_a_referenced_block_cannot_be_deleted() -> None:
    WarehouseCredentials(user="bob", password="p").save("prod")
    Warehouse(host="db", credentials=WarehouseCredentials.load("prod")).save("main")
    with pytest.raises(BlockInUse, match="referenced by warehouse/main"):
        WarehouseCredentials.delete("prod")
    assert WarehouseCredentials.load("prod").user == "bob"
    Warehouse.delete("main")
    WarehouseCredentials.delete("prod")
    with pytest.raises(BlockNotFound):
        WarehouseCredentials.load("prod")


def test_a_field_typed_as_a_base_class_loads_the_saved_subclass(tmp_path) -> None:
    LocalFileSystem(basepath=str(tmp_path)).save("results")
    ResultsHome(storage=LocalFileSystem.load("results")).save("home")
    loaded = Block.load("results-home/home")
    assert type(loaded.storage) is LocalFileSystem
    assert loaded.storage.basepath == str(tmp_path)


def test_nested_secrets_stay_masked() -> None:
    block = Warehouse(host="db", credentials=WarehouseCredentials(user="a", password="hidden"))
    assert "hidden" not in repr(block)
