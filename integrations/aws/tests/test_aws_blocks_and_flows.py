"""The AWS blocks in the real store and in flows: saved and loaded, as result storage,
as task arguments, with secrets kept out of everything a person or a log can see."""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from headrace import flow, task
from headrace.blocks.core import Block
from headrace.blocks.registry import forget_block_type, lookup_block_type
from headrace.plugins.manager import reset_plugin_manager
from headrace.results import ResultStore
from headrace.store import get_store
from headrace.tasks import task_input_hash
from headrace.testing.utilities import HarnessInfo
from headrace_aws import (
    AwsClientParameters,
    AwsCredentials,
    MinIOCredentials,
    S3AccessDenied,
    S3Bucket,
    s3_copy,
    s3_download,
    s3_list_objects,
    s3_move,
    s3_upload,
)

SECRET = "s3cr3t-value-that-must-not-leak"


def store_bytes(home: Path) -> bytes:
    get_store().flush()
    return b"".join(p.read_bytes() for p in home.iterdir() if p.name.startswith("headrace.db"))


def test_credentials_hide_their_secrets() -> None:
    creds = AwsCredentials(
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key=SECRET,
        aws_session_token=SECRET + "-token",
    )
    minio = MinIOCredentials(minio_root_user="minio", minio_root_password=SECRET)
    bucket = S3Bucket(bucket_name="abc", credentials=creds)
    for shown in (repr(creds), str(creds), repr(minio), repr(bucket), creds.model_dump_json()):
        assert SECRET not in shown
    with pytest.raises(ValueError) as info:
        AwsCredentials(aws_secret_access_key={"not": SECRET})
    assert SECRET not in str(info.value)


def test_blocks_save_and_load_through_the_store(
    headrace_harness: HarnessInfo, headrace_s3_bucket: S3Bucket
) -> None:
    headrace_s3_bucket.credentials.save("moto")
    bucket = headrace_s3_bucket.model_copy(update={"bucket_folder": "saved"})
    bucket.save("results")

    loaded = Block.load("s3-bucket/results")
    assert isinstance(loaded, S3Bucket)
    assert loaded.bucket_folder == "saved"
    assert loaded.credentials.aws_secret_access_key.get_secret_value() == (
        headrace_s3_bucket.credentials.aws_secret_access_key.get_secret_value()
    )
    loaded.write_path("x", b"through a loaded block")
    assert headrace_s3_bucket.read_path("saved/x") == b"through a loaded block"
    # the credentials are their own document, referenced by the bucket
    assert AwsCredentials.load("moto").aws_client_parameters.endpoint_url
    assert SECRET.encode() not in store_bytes(headrace_harness.home)


def test_minio_credentials_talk_to_an_s3_compatible_endpoint(
    headrace_harness: HarnessInfo, headrace_s3_server: str, headrace_s3_bucket: S3Bucket
) -> None:
    MinIOCredentials(
        minio_root_user="minio",
        minio_root_password=SECRET,
        region_name="us-east-1",
        aws_client_parameters=AwsClientParameters(endpoint_url=headrace_s3_server),
    ).save("local-minio")
    bucket = S3Bucket(
        bucket_name=headrace_s3_bucket.bucket_name, credentials=MinIOCredentials.load("local-minio")
    )
    bucket.save("minio-bucket")
    again = S3Bucket.load("minio-bucket")
    assert isinstance(again.credentials, MinIOCredentials)
    again.write_path("m.txt", b"minio")
    assert headrace_s3_bucket.read_path("m.txt") == b"minio"
    assert SECRET.encode() not in store_bytes(headrace_harness.home)


def test_a_saved_bucket_is_result_storage_for_a_cached_task_across_flow_runs(
    headrace_harness: HarnessInfo, headrace_s3_bucket: S3Bucket
) -> None:
    storage = headrace_s3_bucket.model_copy(update={"bucket_folder": "results"})
    storage.save("cache")
    calls: list[int] = []

    @task(
        persist_result=True,
        result_storage="s3-bucket/cache",
        cache_key_fn=task_input_hash,
    )
    def square(x: int) -> int:
        calls.append(x)
        return x * x

    @flow
    def pipeline(x: int) -> tuple[int, str]:
        state = square(x, return_state=True)
        return state.result(), state.name

    assert pipeline(7) == (49, "Completed")
    stored = headrace_s3_bucket.list_objects("results/")
    assert len(stored) == 1
    assert pipeline(7) == (49, "Cached")
    assert calls == [7]
    # cached runs read the result from the bucket: change it there, and they see it
    ResultStore(storage).write(50, key=storage.relative_path(stored[0]["Key"]))
    assert pipeline(7) == (50, "Cached")
    assert calls == [7]


def test_tasks_move_data_through_s3(headrace_s3_bucket: S3Bucket) -> None:
    creds, name = headrace_s3_bucket.credentials, headrace_s3_bucket.bucket_name

    @flow
    def pipeline() -> tuple[bytes, list[str], bytes]:
        key = s3_upload(b"hello", name, creds, key="in/hello.txt")
        s3_copy(key, "copy/hello.txt", name, creds)
        s3_move("copy/hello.txt", "moved/hello.txt", name, creds)
        listed = [o["Key"] for o in s3_list_objects(name, creds, prefix="")]
        text_key = s3_upload("text is encoded", name, creds)
        return (
            s3_download(name, "moved/hello.txt", creds),
            listed,
            s3_download(name, text_key, creds),
        )

    content, listed, text = pipeline()
    assert content == b"hello"
    assert listed == ["in/hello.txt", "moved/hello.txt"]
    assert text == b"text is encoded"


def test_a_task_reading_a_missing_key_fails_the_flow_clearly(headrace_s3_bucket: S3Bucket) -> None:
    @flow
    def pipeline() -> bytes:
        return s3_download(
            headrace_s3_bucket.bucket_name, "absent.txt", headrace_s3_bucket.credentials
        )

    with pytest.raises(FileNotFoundError, match="absent.txt does not exist"):
        pipeline()


@pytest.fixture
def enforced_auth(headrace_s3_server: str) -> Iterator[None]:
    """Make the moto server check credentials (it accepts any by default)."""

    def reset(count: str) -> str:
        request = urllib.request.Request(
            f"{headrace_s3_server}/moto-api/reset-auth",
            data=count.encode(),
            headers={"Content-Type": "text/plain"},
            method="POST",
        )
        with urllib.request.urlopen(request) as response:
            return str(json.load(response)["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"])

    previous = reset("0")
    yield
    reset(previous)


def test_wrong_credentials_give_a_clear_error_without_the_secret(
    headrace_s3_bucket: S3Bucket,
    headrace_s3_server: str,
    headrace_harness: HarnessInfo,
    enforced_auth: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    wrong = AwsCredentials(
        aws_access_key_id="AKIAWRONGWRONGWRONG0",
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
        aws_client_parameters=AwsClientParameters(endpoint_url=headrace_s3_server),
    )
    bucket = S3Bucket(bucket_name=headrace_s3_bucket.bucket_name, credentials=wrong)
    with pytest.raises(S3AccessDenied, match="InvalidAccessKeyId") as info:
        bucket.read_path("x")
    assert "credentials block" in str(info.value)
    assert SECRET not in str(info.value)

    @flow
    def pipeline(creds: AwsCredentials) -> str:
        return s3_upload(b"x", headrace_s3_bucket.bucket_name, creds)

    caplog.set_level(logging.DEBUG)
    with pytest.raises(S3AccessDenied):
        pipeline(wrong)
    assert SECRET not in caplog.text
    assert SECRET.encode() not in store_bytes(headrace_harness.home)


def test_clients_are_reused_per_credentials_value(headrace_s3_credentials: AwsCredentials) -> None:
    assert headrace_s3_credentials.get_s3_client() is headrace_s3_credentials.get_client("s3")
    other = headrace_s3_credentials.model_copy(update={"region_name": "eu-west-1"})
    assert other.get_s3_client() is not headrace_s3_credentials.get_s3_client()
    assert other.get_s3_client().meta.region_name == "eu-west-1"


def test_the_plugin_hook_registers_the_block_types(
    headrace_harness: HarnessInfo, headrace_s3_bucket: S3Bucket
) -> None:
    headrace_s3_bucket.save("via-hook")
    for slug in ("s3-bucket", "aws-credentials", "minio-credentials"):
        forget_block_type(slug)  # as if nothing had imported headrace_aws
    reset_plugin_manager()
    loaded = Block.load("s3-bucket/via-hook")
    assert type(loaded) is S3Bucket
    assert lookup_block_type("minio-credentials") is MinIOCredentials
