"""Block types: slugs, descriptions, capabilities, and the registry."""

from __future__ import annotations

import pytest

from headrace.blocks.core import Block
from headrace.blocks.errors import UnknownBlockType
from headrace.blocks.registry import (
    block_type_source,
    block_types,
    lookup_block_type,
    register_block_type,
)
from headrace.blocks.system import JSON, Secret, String
from headrace.filesystems import LocalFileSystem, RemoteFileSystem, WritableFileSystem


def test_slugs_follow_prefect() -> None:
    """The slug is the display name made a slug; without one, the class name lowercased."""

    class MyFancyBlock(Block):
        x: int = 0

    class Named(Block):
        _block_type_name = "S3 Bucket (legacy)"

    assert MyFancyBlock.get_block_type_slug() == "myfancyblock"
    assert Named.get_block_type_slug() == "s3-bucket-legacy"
    assert LocalFileSystem.get_block_type_slug() == "local-file-system"
    assert RemoteFileSystem.get_block_type_slug() == "remote-file-system"
    assert JSON.get_block_type_slug() == "json"


def test_builtin_types_are_registered_through_the_plugin_hook() -> None:
    types = block_types()
    for cls in (Secret, JSON, String, LocalFileSystem, RemoteFileSystem):
        assert types[cls.get_block_type_slug()] is cls
        assert block_type_source(cls.get_block_type_slug()) == "headrace.builtins.blocks"


def test_abstract_bases_are_not_block_types() -> None:
    assert "writable-file-system" not in block_types()
    assert "block" not in block_types()
    assert WritableFileSystem.get_block_capabilities() == {"read-path", "write-path"}


def test_metadata_from_the_class(throwaway_slugs: list[str]) -> None:
    class WarehouseConfig(Block):
        """Where the warehouse lives.

        Attributes:
            host: the host name.
        """

        _block_schema_capabilities = ["connect"]
        _block_schema_version = "2"
        host: str

    throwaway_slugs.append("warehouseconfig")
    assert WarehouseConfig.get_block_type_slug() == "warehouseconfig"
    assert WarehouseConfig.get_block_type_name() == "WarehouseConfig"
    assert WarehouseConfig.get_description() == "Where the warehouse lives."
    assert WarehouseConfig.get_block_capabilities() == {"connect"}
    assert WarehouseConfig.get_block_schema_version() == "2"
    assert lookup_block_type("warehouseconfig") is WarehouseConfig


def test_slug_override_is_not_inherited(throwaway_slugs: list[str]) -> None:
    class Base(Block):
        _block_type_slug = "custom-base"

    class Child(Base):
        pass

    throwaway_slugs += ["custom-base", "child"]
    assert Base.get_block_type_slug() == "custom-base"
    assert Child.get_block_type_slug() == "child"
    assert lookup_block_type("custom-base") is Base


def test_slug_from_a_prefect_style_type_name(throwaway_slugs: list[str]) -> None:
    class SiffletCredentials(Block):
        _block_type_name = "Sifflet Creds"
        token: str

    throwaway_slugs.append("sifflet-creds")
    SiffletCredentials.register_type_and_schema()  # Prefect code calls it; harmless here
    assert SiffletCredentials.get_block_type_slug() == "sifflet-creds"
    assert SiffletCredentials.get_block_type_name() == "Sifflet Creds"
    assert lookup_block_type("sifflet-creds") is SiffletCredentials


def test_capabilities_accumulate_over_bases() -> None:
    assert LocalFileSystem.get_block_capabilities() == {
        "read-path",
        "write-path",
        "get-directory",
        "put-directory",
    }


def test_a_second_class_takes_a_registered_slug_with_a_warning() -> None:
    """Prefect's rule: the class defined last wins, and the warning names both."""
    with pytest.warns(UserWarning, match="matches existing registered type 'Secret'"):

        class Impostor(Block):
            _block_type_slug = "secret"

    try:
        assert lookup_block_type("secret") is Impostor
    finally:
        with pytest.warns(UserWarning, match="matches existing registered type 'Impostor'"):
            register_block_type(Secret, source="headrace.builtins.blocks")
    assert lookup_block_type("secret") is Secret


def test_unknown_type_suggests_close_slugs() -> None:
    with pytest.raises(UnknownBlockType, match="Did you mean 'local-file-system'"):
        lookup_block_type("local-filesystem")


def test_schema_checksum_changes_with_the_fields(throwaway_slugs: list[str]) -> None:
    class Versioned(Block):
        a: int

    first = Versioned.get_block_schema_checksum()

    class Versioned(Block):  # noqa: F811 (a new version of the same class)
        a: int
        b: int = 0

    throwaway_slugs.append("versioned")
    assert Versioned.get_block_schema_checksum() != first
    assert lookup_block_type("versioned") is Versioned
