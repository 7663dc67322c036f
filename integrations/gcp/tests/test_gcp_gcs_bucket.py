"""GcsBucket against a real GCS API (gcp-storage-emulator on 127.0.0.1), folders included."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from headrace.filesystems import PathNotFound
from headrace.utilities.object_keys import InvalidObjectKey
from headrace_gcp import BucketNotFound, GcpCredentials, GcsBucket


def in_folder(bucket: GcsBucket, folder: str) -> GcsBucket:
    return bucket.model_copy(update={"bucket_folder": folder})


def names(bucket: GcsBucket) -> list[str]:
    """Every blob name in the bucket, whatever the block's folder."""
    return sorted(blob.name for blob in in_folder(bucket, "").list_blobs())


def test_write_then_read_a_path(headrace_gcs_bucket: GcsBucket) -> None:
    assert headrace_gcs_bucket.write_path("a/b.bin", b"\x00payload") == "a/b.bin"
    assert headrace_gcs_bucket.read_path("a/b.bin") == b"\x00payload"


@pytest.mark.parametrize("folder", ["data", "data/", "/data", "//data//", "./data"])
def test_the_folder_is_in_every_name_exactly_once(
    headrace_gcs_bucket: GcsBucket, folder: str
) -> None:
    bucket = GcsBucket(
        bucket=headrace_gcs_bucket.bucket,
        gcp_credentials=headrace_gcs_bucket.gcp_credentials,
        bucket_folder=folder,
    )
    assert bucket.bucket_folder == "data"
    bucket.write_path("/x.txt", b"1")
    bucket.write_path("sub//y.txt", b"2")
    assert names(headrace_gcs_bucket) == ["data/sub/y.txt", "data/x.txt"]
    assert sorted(bucket.relative_path(b.name) for b in bucket.list_blobs()) == [
        "sub/y.txt",
        "x.txt",
    ]
    assert [b.name for b in bucket.list_objects("sub")] == ["data/sub/y.txt"]


def test_a_path_that_repeats_the_folder_name_is_a_real_subfolder(
    headrace_gcs_bucket: GcsBucket,
) -> None:
    bucket = in_folder(headrace_gcs_bucket, "data")
    bucket.write_path("data/x", b"nested")
    assert names(headrace_gcs_bucket) == ["data/data/x"]
    with pytest.raises(InvalidObjectKey):
        bucket.read_path("../escape")


def test_upload_and_download_files(headrace_gcs_bucket: GcsBucket, tmp_path: Path) -> None:
    bucket = in_folder(headrace_gcs_bucket, "in")
    source = tmp_path / "report.csv"
    source.write_text("a,b\n1,2\n")
    assert bucket.upload_from_path(source) == "in/report.csv"
    assert bucket.upload_from_path(source, "copies/r.csv") == "in/copies/r.csv"
    target = bucket.download_object_to_path("copies/r.csv", tmp_path / "out" / "r.csv")
    assert target.read_text() == "a,b\n1,2\n"

    assert bucket.upload_from_file_object(io.BytesIO(b"stream"), "s.bin") == "in/s.bin"
    sink = bucket.download_object_to_file_object("s.bin", io.BytesIO())
    assert sink.getvalue() == b"stream"


def test_folders_round_trip_without_doubling(
    headrace_gcs_bucket: GcsBucket, tmp_path: Path
) -> None:
    local = tmp_path / "local"
    (local / "sub").mkdir(parents=True)
    (local / "a.txt").write_text("a")
    (local / "sub" / "b.txt").write_text("b")
    bucket = in_folder(headrace_gcs_bucket, "root")

    assert bucket.upload_from_folder(local, "up") == "root/up/"
    assert names(headrace_gcs_bucket) == ["root/up/a.txt", "root/up/sub/b.txt"]

    out = bucket.download_folder_to_path("up", tmp_path / "down")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "a.txt",
        "sub/b.txt",
    ]


def test_put_and_get_directory_honour_the_folder_and_ignore_file(
    headrace_gcs_bucket: GcsBucket, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / "__pycache__").mkdir(parents=True)
    (project / "flow.py").write_text("print(1)")
    (project / "__pycache__" / "flow.pyc").write_bytes(b"x")
    ignore = tmp_path / ".headraceignore"
    ignore.write_text("__pycache__/\n")
    bucket = in_folder(headrace_gcs_bucket, "deploy")

    assert bucket.put_directory(str(project), "v1", ignore_file=str(ignore)) == 1
    assert names(headrace_gcs_bucket) == ["deploy/v1/flow.py"]
    bucket.get_directory("v1", str(tmp_path / "checkout"))
    assert (tmp_path / "checkout" / "flow.py").read_text() == "print(1)"


def test_copy_and_move_within_and_across_buckets(
    headrace_gcs_bucket: GcsBucket, headrace_gcs_credentials: GcpCredentials
) -> None:
    other = GcsBucket(
        bucket="other-bucket-copy", gcp_credentials=headrace_gcs_credentials, bucket_folder="dst"
    )
    other.create_bucket()
    source = in_folder(headrace_gcs_bucket, "src")
    source.write_path("f.txt", b"data")

    assert source.copy_object("f.txt", "g.txt") == "src/g.txt"
    assert source.copy_object("f.txt", "f.txt", to_bucket=other) == "dst/f.txt"
    assert source.copy_object("f.txt", "raw/f.txt", to_bucket="other-bucket-copy") == "raw/f.txt"
    assert other.read_path("f.txt") == b"data"

    assert source.move_object("g.txt", "moved.txt") == "src/moved.txt"
    assert names(headrace_gcs_bucket) == ["src/f.txt", "src/moved.txt"]
    with pytest.raises(PathNotFound):
        source.read_path("g.txt")
    other.get_bucket().delete(force=True)


def test_a_missing_blob_is_path_not_found(headrace_gcs_bucket: GcsBucket, tmp_path: Path) -> None:
    bucket = in_folder(headrace_gcs_bucket, "f")
    with pytest.raises(
        PathNotFound, match=rf"gs://{headrace_gcs_bucket.bucket}/f/nope does not exist"
    ):
        bucket.read_path("nope")
    with pytest.raises(FileNotFoundError):
        bucket.download_object_to_path("nope", tmp_path / "x")
    with pytest.raises(PathNotFound):
        bucket.copy_object("nope", "there")


def test_a_missing_bucket_says_so(headrace_gcs_credentials: GcpCredentials) -> None:
    bucket = GcsBucket(bucket="no-such-bucket-here", gcp_credentials=headrace_gcs_credentials)
    with pytest.raises(BucketNotFound, match="'no-such-bucket-here' does not exist"):
        bucket.read_path("x")
    with pytest.raises(BucketNotFound):
        bucket.write_path("x", b"1")


@pytest.mark.parametrize("name", ["bucket/folder", "gs://bucket", ""])
def test_a_bucket_name_with_a_path_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="bucket_folder"):
        GcsBucket(bucket=name)


@pytest.mark.parametrize("path", ["", "/", "sub/"])
def test_a_folder_path_is_not_an_object(headrace_gcs_bucket: GcsBucket, path: str) -> None:
    with pytest.raises(InvalidObjectKey, match="names a folder"):
        headrace_gcs_bucket.write_path(path, b"x")
    with pytest.raises(InvalidObjectKey, match="names a folder"):
        headrace_gcs_bucket.read_path(path)
