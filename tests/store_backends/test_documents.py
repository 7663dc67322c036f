"""Block documents and variables on both SQL backends, and their migrations."""

from __future__ import annotations

import pytest

from headrace.blocks.errors import BlockAlreadyExists, BlockInUse, BlockNotFound
from headrace.exceptions import ObjectAlreadyExists
from headrace.store import open_store
from headrace.store.interface import BlockDocument, BlockDocumentWrite


def _doc(doc_id, name, slug="s3-bucket", anonymous=False, data=b"\x00secret\xff"):
    return BlockDocument(doc_id, slug, name, anonymous, data, "1", "sha256:x")


def test_nested_documents_references_and_orphans(store):
    child = BlockDocumentWrite(_doc("c1", "anonymous-1", "aws-credentials", anonymous=True))
    parent = BlockDocumentWrite(_doc("p1", "prod"), {"credentials": "c1"})
    store.blocks.save([child, parent], overwrite=False)
    saved = store.blocks.find("s3-bucket", "prod")
    assert saved.data == b"\x00secret\xff" and saved.created  # bytes kept exactly
    assert store.blocks.get_by_id("c1").is_anonymous
    assert [d.name for d in store.blocks.list()] == ["prod"]
    assert len(store.blocks.list(include_anonymous=True)) == 2
    with pytest.raises(BlockAlreadyExists):
        store.blocks.save([BlockDocumentWrite(_doc("p2", "prod"))], overwrite=False)
    # re-saving without the nested block drops the orphaned anonymous child
    store.blocks.save([BlockDocumentWrite(_doc("p1", "prod", data=b"v2"))], overwrite=True)
    assert store.blocks.get_by_id("c1") is None
    assert store.blocks.find("s3-bucket", "prod").data == b"v2"


def test_a_referenced_document_cannot_be_deleted(store):
    store.blocks.save([BlockDocumentWrite(_doc("k1", "key", "secret"))], overwrite=False)
    store.blocks.save([BlockDocumentWrite(_doc("p1", "prod"), {"token": "k1"})], overwrite=False)
    with pytest.raises(BlockInUse, match="s3-bucket/prod"):
        store.blocks.delete("secret", "key")
    store.blocks.delete("s3-bucket", "prod")
    store.blocks.delete("secret", "key")
    with pytest.raises(BlockNotFound):
        store.blocks.delete("secret", "key")


def test_key_check_token_first_writer_wins(store):
    assert store.blocks.key_check_token() is None
    assert store.blocks.set_key_check_token("first") == "first"
    assert store.blocks.set_key_check_token("second") == "first"
    assert store.blocks.key_check_token() == "first"


def test_variables(store):
    store.variables.set("config", {"rows": [1, 2]}, ["etl"], overwrite=False)
    assert store.variables.get("config")["value"] == {"rows": [1, 2]}
    with pytest.raises(ObjectAlreadyExists):
        store.variables.set("config", 1, [], overwrite=False)
    assert store.variables.set("config", "v2", [], overwrite=True)["value"] == "v2"
    for name in ("b", "a", "c"):
        store.variables.set(name, None, [], overwrite=False)
    assert [v["name"] for v in store.variables.list(limit=2, offset=1)] == ["b", "c"]
    assert store.variables.delete("a") and not store.variables.delete("a")
    assert store.variables.get("a") is None


def test_reopening_migrates_nothing_and_keeps_data(store_url):
    first = open_store(store_url)
    first.variables.set("kept", 1, [], overwrite=False)
    first.close()
    second = open_store(store_url)
    try:
        assert second.variables.get("kept")["value"] == 1
        versions = {
            row["component"]: row["version"]
            for row in second.database.query("SELECT component, version FROM schema_versions")
        }
        assert versions["runs"] == 5 and versions["blocks"] == 1
        second.database.execute("UPDATE schema_versions SET version = 99 WHERE component = 'runs'")
    finally:
        second.close()
    with pytest.raises(RuntimeError, match="newer than this headrace knows"):
        open_store(store_url)
