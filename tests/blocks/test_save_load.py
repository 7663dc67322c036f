"""Saving, loading and deleting block documents in a real store."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from headrace.blocks.core import Block, resolve_block_reference
from headrace.blocks.errors import (
    BlockAlreadyExists,
    BlockNotFound,
    InvalidBlockName,
    UnknownBlockType,
)
from headrace.blocks.system import JSON, Secret, String
from headrace.store import get_store


def test_save_returns_the_document_id_and_load_round_trips() -> None:
    doc_id = JSON(value={"retries": 3, "tags": ["a", "b"]}).save("defaults")
    loaded = JSON.load("defaults")
    assert isinstance(doc_id, uuid.UUID)
    assert loaded.value == {"retries": 3, "tags": ["a", "b"]}
    assert loaded._block_document_id == doc_id
    assert loaded._block_document_name == "defaults"


def test_base_class_loads_by_slug_and_name() -> None:
    String(value="eu-west-1").save("region")
    loaded = Block.load("string/region")
    assert isinstance(loaded, String)
    assert loaded.value == "eu-west-1"
    assert String.load("string/region").value == "eu-west-1"


def test_base_class_needs_the_slug() -> None:
    with pytest.raises(InvalidBlockName, match="Block.load\\('block-type/region'\\)"):
        Block.load("region")


def test_subclass_refuses_a_reference_of_another_type() -> None:
    String(value="x").save("region")
    with pytest.raises(BlockNotFound, match="is a String block, not a JSON"):
        JSON.load("string/region")


def test_existing_name_is_not_overwritten_by_default() -> None:
    String(value="first").save("greeting")
    with pytest.raises(BlockAlreadyExists, match="string/greeting.*overwrite=True"):
        String(value="second").save("greeting")
    assert String.load("greeting").value == "first"


def test_overwrite_replaces_the_document_and_keeps_its_id() -> None:
    first = String(value="first").save("greeting")
    second = String(value="second").save("greeting", overwrite=True)
    assert String.load("greeting").value == "second"
    assert first == second


def test_a_loaded_block_saves_back_under_its_name() -> None:
    String(value="first").save("greeting")
    loaded = String.load("greeting")
    loaded.value = "changed"
    loaded.save(overwrite=True)
    assert String.load("greeting").value == "changed"


def test_save_without_a_name_needs_one() -> None:
    with pytest.raises(InvalidBlockName, match="save a block document without a name"):
        String(value="x").save()


@pytest.mark.parametrize("name", ["Prod", "my_block", "has space", "a.b", "", "a/b", "a\\b"])
def test_invalid_names_are_refused_with_the_rule(name: str) -> None:
    """Prefect's rule, raised as both headrace's error and pydantic's ValidationError."""
    with pytest.raises(InvalidBlockName, match="lowercase letters, numbers, and dashes") as info:
        String(value="x").save(name)
    assert isinstance(info.value, ValidationError)
    assert get_store().blocks.list(include_anonymous=True) == []


@pytest.mark.parametrize("name", ["-lead", "trail-", "a--b", "0"])
def test_names_prefect_accepts_are_accepted(name: str) -> None:
    String(value="x").save(name)
    assert String.load(name).value == "x"


def test_unknown_name_suggests_close_names() -> None:
    String(value="x").save("prod-region")
    with pytest.raises(BlockNotFound, match="Did you mean 'prod-region'"):
        String.load("prod-regoin")


def test_unknown_name_of_a_type_with_no_documents() -> None:
    with pytest.raises(BlockNotFound, match="No 'json' blocks are saved"):
        JSON.load("anything")


def test_unknown_type_in_a_reference() -> None:
    with pytest.raises(UnknownBlockType, match="Did you mean 'secret'"):
        Block.load("secrets/token")


def test_delete_from_an_instance_and_from_the_class() -> None:
    String(value="x").save("one")
    String(value="y").save("two")
    String.load("one").delete()
    String.delete("two")
    for name in ("one", "two"):
        with pytest.raises(BlockNotFound):
            String.load(name)


def test_delete_by_reference_from_the_base_class() -> None:
    Secret(value="x").save("token")
    Block.delete("secret/token")
    with pytest.raises(BlockNotFound):
        Secret.load("token")


def test_delete_of_a_missing_block() -> None:
    with pytest.raises(BlockNotFound):
        String.delete("nope")


def test_same_name_under_different_types_are_different_documents() -> None:
    String(value="text").save("shared")
    JSON(value=[1]).save("shared")
    assert String.load("shared").value == "text"
    assert JSON.load("shared").value == [1]


async def test_async_twins() -> None:
    await String(value="async").asave("greeting")
    loaded = await String.aload("greeting")
    assert loaded.value == "async"
    assert (await Block.aload("string/greeting")).value == "async"
    await loaded.adelete()
    with pytest.raises(BlockNotFound):
        await String.aload("greeting")


async def test_prefect_style_await_on_load_and_save() -> None:
    """Prefect 3 code in async flows awaits `load` and `save`; both work here too."""
    doc_id = await String(value="awaited").save("greeting")
    block = await String.load("greeting")
    assert isinstance(doc_id, uuid.UUID) and doc_id == block._block_document_id
    assert block.value == "awaited"


def test_resolve_block_reference() -> None:
    block = String(value="x")
    block.save("ref")
    assert resolve_block_reference(block) is block
    assert resolve_block_reference("string/ref").value == "x"
    with pytest.raises(TypeError):
        resolve_block_reference(42)  # type: ignore[arg-type]


def test_documents_survive_a_new_store_connection() -> None:
    from headrace.store import reset_store

    Secret(value="kept").save("token")
    reset_store()
    assert Secret.load("token").get() == "kept"


def test_concurrent_saves_from_threads() -> None:
    """The first saves race to create the key check; every thread's document lands."""
    from concurrent.futures import ThreadPoolExecutor

    def save(i: int) -> None:
        Secret(value=f"value-{i}").save(f"secret-{i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(save, range(16)))
    assert [Secret.load(f"secret-{i}").get() for i in range(16)] == [
        f"value-{i}" for i in range(16)
    ]


def test_a_block_with_its_own_private_methods_saves_and_loads() -> None:
    """Block types name their own helpers freely (storage blocks have `_write`/`_read`);
    saving must not call them."""

    class Shelf(Block):
        _block_type_slug = "test-shelf"
        label: str

        def _write(self, key: str, content: bytes) -> None:
            raise AssertionError("a save must not call the block's own _write")

        def _read(self, key: str) -> bytes:
            raise AssertionError("a load must not call the block's own _read")

    Shelf(label="top").save("top-shelf")
    assert Shelf.load("top-shelf").label == "top"


def test_documents_saved_under_the_old_class_name_slug_still_load() -> None:
    # headrace 0.1 made `WarehouseConfig` into `warehouse-config`; Prefect's rule (now
    # headrace's) makes `warehouseconfig`. A document saved back then must still load.
    class Saved(Block):
        _block_type_slug = "warehouse-config"
        host: str

    Saved(host="db.internal").save("main")

    class WarehouseConfig(Block):
        host: str

    assert WarehouseConfig.get_block_type_slug() == "warehouseconfig"
    assert WarehouseConfig.load("main").host == "db.internal"
    with pytest.raises(BlockNotFound, match="warehouseconfig/other"):
        WarehouseConfig.load("other")
