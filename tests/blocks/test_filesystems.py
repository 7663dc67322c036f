"""LocalFileSystem and the fsspec-backed RemoteFileSystem, saved and used as storage."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pydantic import ValidationError

from headrace.blocks.core import Block, resolve_block_reference
from headrace.filesystems import LocalFileSystem, PathNotFound, RemoteFileSystem


def _project(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "flow.py").write_text("print('hi')\n")
    (root / "README.md").write_text("readme\n")
    (root / "pkg" / "cache.pyc").write_bytes(b"\x00")
    (root / ".venv").mkdir()
    (root / ".venv" / "big").write_text("x")
    (root / ".headraceignore").write_text("# build junk\n*.pyc\n.venv/\n")
    return root


def test_local_read_and_write_under_the_base_path(tmp_path: Path) -> None:
    fs = LocalFileSystem(basepath=str(tmp_path / "base"))
    written = fs.write_path("results/a.bin", b"\x00\x01")
    assert Path(written) == tmp_path / "base" / "results" / "a.bin"
    assert fs.read_path("results/a.bin") == b"\x00\x01"


def test_local_missing_path_is_file_not_found_and_value_error(tmp_path: Path) -> None:
    fs = LocalFileSystem(basepath=str(tmp_path))
    with pytest.raises(PathNotFound) as info:
        fs.read_path("nope")
    assert isinstance(info.value, FileNotFoundError) and isinstance(info.value, ValueError)


def test_local_paths_cannot_escape_the_base_path(tmp_path: Path) -> None:
    fs = LocalFileSystem(basepath=str(tmp_path / "base"))
    with pytest.raises(ValueError, match="outside the base path"):
        fs.write_path("../escape.txt", b"x")
    assert not (tmp_path / "escape.txt").exists()


def test_local_without_a_base_path_uses_paths_as_given(tmp_path: Path) -> None:
    fs = LocalFileSystem()
    fs.write_path(str(tmp_path / "abs.txt"), b"abs")
    assert fs.read_path(str(tmp_path / "abs.txt")) == b"abs"


def test_local_put_and_get_directory(tmp_path: Path) -> None:
    source = _project(tmp_path / "project")
    fs = LocalFileSystem(basepath=str(tmp_path / "storage"))
    count = fs.put_directory(str(source), "v1", ignore_file=str(source / ".headraceignore"))
    assert count == 3  # flow.py, README.md and the ignore file itself
    assert not (tmp_path / "storage" / "v1" / ".venv").exists()
    assert not (tmp_path / "storage" / "v1" / "pkg" / "cache.pyc").exists()

    fs.get_directory("v1", str(tmp_path / "checkout"))
    assert (tmp_path / "checkout" / "pkg" / "flow.py").read_text() == "print('hi')\n"


def test_local_file_system_saved_and_used_as_result_storage(tmp_path: Path) -> None:
    LocalFileSystem(basepath=str(tmp_path / "results")).save("results")
    storage = resolve_block_reference("local-file-system/results")
    storage.write_path("key", b"payload")
    assert (tmp_path / "results" / "key").read_bytes() == b"payload"
    assert Block.load("local-file-system/results").read_path("key") == b"payload"


@pytest.fixture
def memory_base() -> str:
    return f"memory://headrace-tests/{uuid.uuid4().hex}"


def test_remote_read_write_in_memory(memory_base: str) -> None:
    fs = RemoteFileSystem(basepath=memory_base)
    assert fs.write_path("a/b.txt", b"remote") == f"{memory_base}/a/b.txt"
    assert fs.read_path("a/b.txt") == b"remote"
    with pytest.raises(PathNotFound):
        fs.read_path("a/missing")
    with pytest.raises(ValueError, match="outside the base path"):
        fs.write_path("../x", b"")


def test_remote_put_and_get_directory(memory_base: str, tmp_path: Path) -> None:
    source = _project(tmp_path / "project")
    fs = RemoteFileSystem(basepath=memory_base)
    assert fs.put_directory(str(source), "code", str(source / ".headraceignore")) == 3
    fs.get_directory("code", str(tmp_path / "out"))
    assert (tmp_path / "out" / "pkg" / "flow.py").exists()
    assert not (tmp_path / "out" / "pkg" / "cache.pyc").exists()


def test_remote_file_url(tmp_path: Path) -> None:
    fs = RemoteFileSystem(basepath=(tmp_path / "remote").as_uri())
    fs.write_path("x/y", b"on disk")
    assert (tmp_path / "remote" / "x" / "y").read_bytes() == b"on disk"


def test_remote_saved_with_settings(memory_base: str) -> None:
    RemoteFileSystem(basepath=memory_base, settings={"skip_instance_cache": True}).save("mem")
    loaded = Block.load("remote-file-system/mem")
    assert loaded.settings.get_secret_value() == {"skip_instance_cache": True}
    assert "True" not in repr(loaded)  # settings often hold credentials: values are masked
    loaded.write_path("k", b"v")
    assert RemoteFileSystem(basepath=memory_base).read_path("k") == b"v"


def test_remote_base_path_needs_a_scheme() -> None:
    with pytest.raises(ValidationError, match="basepath must be a URL"):
        RemoteFileSystem(basepath="/just/a/path")


def test_local_base_path_may_be_a_pathlib_path(tmp_path: Path) -> None:
    fs = LocalFileSystem(basepath=tmp_path / "base")
    assert fs.basepath == str(tmp_path / "base")
    fs.write_path("a.txt", b"a")
    assert (tmp_path / "base" / "a.txt").read_bytes() == b"a"
    with pytest.raises(ValidationError):
        LocalFileSystem(basepath=42)
