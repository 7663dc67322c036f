"""S3Bucket against a real S3 API (moto's server on 127.0.0.1), folders included."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from headrace.filesystems import LocalFileSystem, PathNotFound
from headrace.utilities.object_keys import InvalidObjectKey
from headrace_aws import AwsCredentials, BucketNotFound, S3Bucket


def keys(bucket: S3Bucket) -> list[str]:
    """Every key in the bucket, whatever the block's folder."""
    return sorted(item["Key"] for item in in_folder(bucket, "").list_objects())


def in_folder(bucket: S3Bucket, folder: str) -> S3Bucket:
    return bucket.model_copy(update={"bucket_folder": folder})


def test_write_then_read_a_path(headrace_s3_bucket: S3Bucket) -> None:
    assert headrace_s3_bucket.write_path("a/b.bin", b"\x00payload") == "a/b.bin"
    assert headrace_s3_bucket.read_path("a/b.bin") == b"\x00payload"


@pytest.mark.parametrize("folder", ["data", "data/", "/data", "//data//", "./data"])
def test_the_folder_is_in_every_key_exactly_once(headrace_s3_bucket: S3Bucket, folder: str) -> None:
    bucket = S3Bucket(
        bucket_name=headrace_s3_bucket.bucket_name,
        credentials=headrace_s3_bucket.credentials,
        bucket_folder=folder,
    )
    assert bucket.bucket_folder == "data"
    bucket.write_path("/x.txt", b"1")
    bucket.write_path("sub//y.txt", b"2")
    assert keys(headrace_s3_bucket) == ["data/sub/y.txt", "data/x.txt"]
    assert [bucket.relative_path(o["Key"]) for o in bucket.list_objects()] == [
        "sub/y.txt",
        "x.txt",
    ]
    assert [o["Key"] for o in bucket.list_objects("sub")] == ["data/sub/y.txt"]


def test_a_path_that_repeats_the_folder_name_is_a_real_subfolder(
    headrace_s3_bucket: S3Bucket,
) -> None:
    bucket = in_folder(headrace_s3_bucket, "data")
    bucket.write_path("data/x", b"nested")
    assert keys(headrace_s3_bucket) == ["data/data/x"]
    with pytest.raises(InvalidObjectKey):
        bucket.read_path("../escape")


def test_upload_and_download_files(headrace_s3_bucket: S3Bucket, tmp_path: Path) -> None:
    bucket = in_folder(headrace_s3_bucket, "in")
    source = tmp_path / "report.csv"
    source.write_text("a,b\n1,2\n")
    assert bucket.upload_from_path(source) == "in/report.csv"
    assert bucket.upload_from_path(source, "copies/r.csv") == "in/copies/r.csv"
    target = bucket.download_object_to_path("copies/r.csv", tmp_path / "out" / "r.csv")
    assert target.read_text() == "a,b\n1,2\n"

    assert bucket.upload_from_file_object(io.BytesIO(b"stream"), "s.bin") == "in/s.bin"
    sink = bucket.download_object_to_file_object("s.bin", io.BytesIO())
    assert sink.getvalue() == b"stream"


def test_default_download_path_is_the_object_name(
    headrace_s3_bucket: S3Bucket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    headrace_s3_bucket.write_path("deep/name.txt", b"x")
    assert headrace_s3_bucket.download_object_to_path("deep/name.txt") == tmp_path / "name.txt"


def test_folders_round_trip_without_doubling(headrace_s3_bucket: S3Bucket, tmp_path: Path) -> None:
    local = tmp_path / "local"
    (local / "sub").mkdir(parents=True)
    (local / "a.txt").write_text("a")
    (local / "sub" / "b.txt").write_text("b")
    bucket = in_folder(headrace_s3_bucket, "root")

    assert bucket.upload_from_folder(local, "up") == "root/up/"
    assert keys(headrace_s3_bucket) == ["root/up/a.txt", "root/up/sub/b.txt"]

    out = bucket.download_folder_to_path("up", tmp_path / "down")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "a.txt",
        "sub/b.txt",
    ]
    assert (out / "sub" / "b.txt").read_text() == "b"


def test_put_and_get_directory_honour_the_folder_and_ignore_file(
    headrace_s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / "__pycache__").mkdir(parents=True)
    (project / "flow.py").write_text("print(1)")
    (project / "__pycache__" / "flow.pyc").write_bytes(b"x")
    (project / "notes.log").write_text("log")
    ignore = tmp_path / ".headraceignore"
    ignore.write_text("__pycache__/\n*.log\n")
    bucket = in_folder(headrace_s3_bucket, "deploy")

    assert bucket.put_directory(str(project), "v1", ignore_file=str(ignore)) == 1
    assert keys(headrace_s3_bucket) == ["deploy/v1/flow.py"]

    bucket.get_directory("v1", str(tmp_path / "checkout"))
    assert (tmp_path / "checkout" / "flow.py").read_text() == "print(1)"
    bucket.get_directory(local_path=str(tmp_path / "all"))
    assert (tmp_path / "all" / "v1" / "flow.py").exists()


def test_copy_and_move_within_and_across_buckets(
    headrace_s3_bucket: S3Bucket, headrace_s3_credentials: AwsCredentials
) -> None:
    client = headrace_s3_credentials.get_s3_client()
    client.create_bucket(Bucket="other-bucket-copy")
    source = in_folder(headrace_s3_bucket, "src")
    source.write_path("f.txt", b"data")

    assert source.copy_object("f.txt", "g.txt") == "src/g.txt"
    other = S3Bucket(
        bucket_name="other-bucket-copy", credentials=headrace_s3_credentials, bucket_folder="dst"
    )
    assert source.copy_object("f.txt", "f.txt", to_bucket=other) == "dst/f.txt"
    assert source.copy_object("f.txt", "raw/f.txt", to_bucket="other-bucket-copy") == "raw/f.txt"
    assert other.read_path("f.txt") == b"data"

    assert source.move_object("g.txt", "moved.txt") == "src/moved.txt"
    assert keys(headrace_s3_bucket) == ["src/f.txt", "src/moved.txt"]
    with pytest.raises(PathNotFound):
        source.read_path("g.txt")
    for key in ("dst/f.txt", "raw/f.txt"):
        client.delete_object(Bucket="other-bucket-copy", Key=key)
    client.delete_bucket(Bucket="other-bucket-copy")


def test_copy_to_a_storage_block_of_another_kind_is_refused(
    headrace_s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    headrace_s3_bucket.write_path("f.txt", b"data")
    with pytest.raises(TypeError, match="to_bucket must be a S3Bucket or a bucket name"):
        headrace_s3_bucket.copy_object("f.txt", "g.txt", to_bucket=LocalFileSystem(basepath="x"))
    assert keys(headrace_s3_bucket) == ["f.txt"]


def test_list_objects_pages_and_filters(headrace_s3_bucket: S3Bucket) -> None:
    for i in range(5):
        headrace_s3_bucket.write_path(f"p/{i}.txt", b"x" * i)
    assert len(headrace_s3_bucket.list_objects("p", page_size=2)) == 5
    assert len(headrace_s3_bucket.list_objects("p", max_items=3)) == 3
    big = headrace_s3_bucket.list_objects("p", jmespath_query="Contents[?Size > `2`][]")
    assert sorted(o["Key"] for o in big) == ["p/3.txt", "p/4.txt"]


def test_a_missing_key_is_path_not_found(headrace_s3_bucket: S3Bucket, tmp_path: Path) -> None:
    bucket = in_folder(headrace_s3_bucket, "f")
    with pytest.raises(PathNotFound, match=rf"s3://{headrace_s3_bucket.bucket_name}/f/nope"):
        bucket.read_path("nope")
    with pytest.raises(FileNotFoundError):
        bucket.download_object_to_path("nope", tmp_path / "x")
    with pytest.raises(PathNotFound):
        bucket.copy_object("nope", "there")


def test_a_missing_bucket_says_so(headrace_s3_credentials: AwsCredentials) -> None:
    bucket = S3Bucket(bucket_name="no-such-bucket-here", credentials=headrace_s3_credentials)
    with pytest.raises(BucketNotFound, match="'no-such-bucket-here' does not exist"):
        bucket.read_path("x")
    with pytest.raises(BucketNotFound):
        bucket.write_path("x", b"1")
    with pytest.raises(BucketNotFound):
        bucket.list_objects()


@pytest.mark.parametrize("name", ["bucket/folder", "s3://bucket", ""])
def test_a_bucket_name_with_a_path_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="bucket_folder"):
        S3Bucket(bucket_name=name)


@pytest.mark.parametrize("path", ["", "/", "sub/"])
def test_a_folder_path_is_not_an_object(headrace_s3_bucket: S3Bucket, path: str) -> None:
    with pytest.raises(InvalidObjectKey, match="names a folder"):
        headrace_s3_bucket.write_path(path, b"x")
    with pytest.raises(InvalidObjectKey, match="names a folder"):
        headrace_s3_bucket.read_path(path)
