"""Loading a block from a reference, and a block type's usage example."""

from __future__ import annotations

import asyncio

import pytest

from headrace.blocks.core import Block
from headrace.blocks.system import Secret


def test_load_from_ref_takes_ids_references_and_dicts(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HEADRACE_HOME", str(tmp_path))
    from headrace.store import reset_store

    reset_store()
    doc_id = Secret(value="s3cr3t").save("token")
    for ref in (doc_id, str(doc_id), {"block_document_id": doc_id}, "secret/token"):
        assert Secret.load_from_ref(ref).get() == "s3cr3t"
    assert (
        Block.load_from_ref({"block_type_slug": "secret", "block_document_name": "token"}).get()
        == "s3cr3t"
    )
    assert asyncio.run(Secret.aload_from_ref(doc_id)).get() == "s3cr3t"
    with pytest.raises(ValueError, match="Invalid reference format"):
        Secret.load_from_ref({"nothing": 1})
    reset_store()


class PlainBlock(Block):
    message: str


class DocumentedBlock(Block):
    """Sends a message.

    Example:
        Send one:
        ```python
        from somewhere import DocumentedBlock
        DocumentedBlock.load("x").send()
        ```

    Attributes:
        message: what to send
    """

    message: str


def test_code_example_comes_from_the_docstring_or_a_load_snippet() -> None:
    assert PlainBlock.get_code_example() == (
        f"```python\nfrom {__name__} import PlainBlock\n\n"
        'plainblock_block = PlainBlock.load("BLOCK_NAME")\n```'
    )
    assert DocumentedBlock.get_code_example() == (
        "Send one:\n```python\nfrom somewhere import DocumentedBlock\n"
        'DocumentedBlock.load("x").send()\n```'
    )
