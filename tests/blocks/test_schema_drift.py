"""Documents saved by an older version of a block class."""

from __future__ import annotations

import pytest

from headrace.blocks.core import Block
from headrace.blocks.errors import BlockDocumentInvalid
from headrace.blocks.registry import forget_block_type


@pytest.fixture(autouse=True)
def _forget(throwaway_slugs: list[str]) -> None:
    throwaway_slugs.append("connection")


def _save_version_one() -> None:
    class Connection(Block):
        _block_schema_version = "1"
        host: str
        port: int

    Connection(host="db", port=5432).save("main")
    forget_block_type("connection")  # what a new process with the new class sees


def test_a_new_field_with_a_default_loads_an_old_document() -> None:
    _save_version_one()

    class Connection(Block):
        _block_schema_version = "2"
        host: str
        port: int
        timeout: float = 30.0

    loaded = Connection.load("main")
    assert (loaded.host, loaded.port, loaded.timeout) == ("db", 5432, 30.0)
    assert Block.load("connection/main").timeout == 30.0


def test_a_removed_field_is_ignored() -> None:
    _save_version_one()

    class Connection(Block):
        host: str

    assert Connection.load("main").host == "db"


def test_a_new_required_field_names_the_block_and_the_field() -> None:
    _save_version_one()

    class Connection(Block):
        _block_schema_version = "2"
        host: str
        port: int
        database: str

    with pytest.raises(BlockDocumentInvalid) as info:
        Connection.load("main")
    message = str(info.value)
    assert "connection/main" in message
    assert "'database'" in message
    assert "schema version 1" in message


def test_a_changed_type_is_a_clear_error_and_the_document_is_kept() -> None:
    _save_version_one()

    class Connection(Block):
        host: str
        port: list[int]

    with pytest.raises(BlockDocumentInvalid, match="connection/main.*no longer validates.*port"):
        Connection.load("main")
    with pytest.raises(RuntimeError, match="try loading again with `validate=False`"):
        Connection.load("main")
    with pytest.warns(UserWarning, match="Could not fully load 'main'.*port"):
        unchecked = Connection.load("main", validate=False)
    assert unchecked.port == 5432  # the stored document is untouched
