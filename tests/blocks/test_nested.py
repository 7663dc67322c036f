"""Nested blocks: one saved on its own is stored as a reference to its document and
resolved on load; one that was never saved is kept inside its parent (as in Prefect)."""

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
    _block_type_name = "Results Home"
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


def test_an_unsaved_nested_block_is_kept_inside_its_parent() -> None:
    Warehouse(
        host="db",
        credentials=WarehouseCredentials(user="a", password="p"),
        replicas=[WarehouseCredentials(user="r", password="q")],
    ).save("main")
    assert _all_documents() == ["warehouse/main"]

    loaded = Warehouse.load("main")
    assert loaded.credentials.user == "a"
    assert loaded.replicas[0].password.get_secret_value() == "q"
    assert loaded.credentials._block_document_id is None
    assert type(loaded.credentials) is WarehouseCredentials


def test_an_unsaved_nested_block_typed_as_a_base_class_loads_as_its_own_class(tmp_path) -> None:
    ResultsHome(storage=LocalFileSystem(basepath=str(tmp_path))).save("home")
    loaded = ResultsHome.load("home")
    assert type(loaded.storage) is LocalFileSystem
    assert loaded.storage.basepath == str(tmp_path)


def _anonymous(user: str) -> WarehouseCredentials:
    child = WarehouseCredentials(user=user, password="p")
    child._save(is_anonymous=True)
    return child


def test_an_anonymous_document_saved_alone_stays_and_loads_by_its_name() -> None:
    child = _anonymous("a")
    assert child._is_anonymous
    assert child._block_document_name.startswith("anonymous-")
    assert documents.list_documents(get_store()) == []  # not listed
    loaded = WarehouseCredentials.load(child._block_document_name)
    assert loaded.user == "a"
    assert loaded._is_anonymous


def test_anonymous_children_go_with_their_parent() -> None:
    Warehouse(host="db", credentials=_anonymous("a")).save("main")
    assert len(_all_documents()) == 2
    Warehouse.delete("main")
    assert _all_documents() == []


def test_overwriting_a_parent_drops_anonymous_children_it_no_longer_uses() -> None:
    Warehouse(host="db", credentials=_anonymous("a")).save("main")
    Warehouse(host="db", credentials=_anonymous("b")).save("main", overwrite=True)
    assert len(_all_documents()) == 2
    assert Warehouse.load("main").credentials.user == "b"


def test_resaving_a_loaded_parent_keeps_its_anonymous_child() -> None:
    Warehouse(host="db", credentials=_anonymous("a")).save("main")
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
