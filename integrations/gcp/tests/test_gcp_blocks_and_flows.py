"""The GCP blocks in the real store and in flows: saved and loaded, as result storage,
as task arguments, with the service account key kept out of everything people see."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from headrace import flow, task
from headrace.blocks.core import Block
from headrace.results import ResultStore
from headrace.store import get_store
from headrace.tasks import task_input_hash
from headrace.testing.utilities import HarnessInfo
from headrace_gcp import (
    GcpCredentials,
    GcsBucket,
    InvalidGcpCredentials,
    cloud_storage_copy_blob,
    cloud_storage_create_bucket,
    cloud_storage_download_blob_as_bytes,
    cloud_storage_download_blob_to_file,
    cloud_storage_upload_blob_from_file,
    cloud_storage_upload_blob_from_string,
)

SECRET = "private-key-id-that-must-not-leak"


def store_bytes(home: Path) -> bytes:
    get_store().flush()
    return b"".join(p.read_bytes() for p in home.iterdir() if p.name.startswith("headrace.db"))


@pytest.fixture(scope="module")
def service_account_info() -> dict[str, str]:
    """A well-formed service account key (made up; never sent anywhere)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": "from-the-key",
        "private_key_id": SECRET,
        "private_key": pem,
        "client_email": "etl@from-the-key.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def test_the_key_is_masked_and_encrypted_at_rest(
    headrace_harness: HarnessInfo, service_account_info: dict[str, str]
) -> None:
    creds = GcpCredentials(service_account_info=service_account_info)
    bucket = GcsBucket(bucket="results", gcp_credentials=creds)
    for shown in (repr(creds), str(bucket), creds.model_dump_json()):
        assert SECRET not in shown and "PRIVATE KEY" not in shown
    bucket.save("results")

    loaded = Block.load("gcs-bucket/results")
    assert isinstance(loaded, GcsBucket)
    account = loaded.gcp_credentials.get_credentials_from_service_account()
    assert account.service_account_email == "etl@from-the-key.iam.gserviceaccount.com"
    assert SECRET.encode() not in store_bytes(headrace_harness.home)


def test_a_key_file_is_read(tmp_path: Path, service_account_info: dict[str, str]) -> None:
    import json

    path = tmp_path / "key.json"
    path.write_text(json.dumps(service_account_info))
    account = GcpCredentials(service_account_file=path).get_credentials_from_service_account()
    assert account.project_id == "from-the-key"


def test_bad_keys_give_clear_errors_without_the_secret(tmp_path: Path) -> None:
    broken = GcpCredentials(service_account_info={"type": "service_account", "x": SECRET})
    with pytest.raises(InvalidGcpCredentials, match="missing fields") as info:
        broken.get_cloud_storage_client()
    assert SECRET not in str(info.value)
    with pytest.raises(InvalidGcpCredentials, match="does not exist"):
        GcpCredentials(service_account_file=tmp_path / "nope.json").get_cloud_storage_client()
    with pytest.raises(ValueError, match="not both"):
        GcpCredentials(service_account_file="k.json", service_account_info={"a": "b"})


def test_a_saved_bucket_is_result_storage_for_a_cached_task_across_flow_runs(
    headrace_harness: HarnessInfo, headrace_gcs_bucket: GcsBucket
) -> None:
    storage = headrace_gcs_bucket.model_copy(update={"bucket_folder": "results"})
    storage.save("cache")
    calls: list[int] = []

    @task(persist_result=True, result_storage="gcs-bucket/cache", cache_key_fn=task_input_hash)
    def square(x: int) -> int:
        calls.append(x)
        return x * x

    @flow
    def pipeline(x: int) -> tuple[int, str]:
        state = square(x, return_state=True)
        return state.result(), state.name

    assert pipeline(7) == (49, "Completed")
    stored = storage.list_blobs()
    assert len(stored) == 1
    assert pipeline(7) == (49, "Cached")
    # cached runs read the result from the bucket: change it there, and they see it
    ResultStore(storage).write(50, key=storage.relative_path(stored[0].name))
    assert pipeline(7) == (50, "Cached")
    assert calls == [7]


def test_tasks_move_data_through_gcs(
    headrace_gcs_credentials: GcpCredentials, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("a,b\n")

    @flow
    def pipeline() -> tuple[bytes, bytes, str]:
        cloud_storage_create_bucket("tasks-bucket", headrace_gcs_credentials)
        cloud_storage_upload_blob_from_string(
            "hello", "tasks-bucket", "in/h.txt", headrace_gcs_credentials
        )
        cloud_storage_upload_blob_from_file(
            source, "tasks-bucket", "in/in.csv", headrace_gcs_credentials
        )
        copied = cloud_storage_copy_blob(
            "tasks-bucket",
            "tasks-bucket",
            "in/h.txt",
            headrace_gcs_credentials,
            dest_blob="out/h.txt",
        )
        local = cloud_storage_download_blob_to_file(
            "tasks-bucket", "in/in.csv", tmp_path, headrace_gcs_credentials
        )
        return (
            cloud_storage_download_blob_as_bytes("tasks-bucket", copied, headrace_gcs_credentials),
            Path(local).read_bytes(),
            Path(local).name,
        )

    caplog.set_level(logging.INFO)
    assert pipeline() == (b"hello", b"a,b\n", "in.csv")
    assert "gs://tasks-bucket/out/h.txt" in caplog.text
    headrace_gcs_credentials.get_cloud_storage_client().bucket("tasks-bucket").delete(force=True)


def test_a_task_reading_a_missing_blob_fails_the_flow_clearly(
    headrace_gcs_bucket: GcsBucket,
) -> None:
    @flow
    def pipeline() -> bytes:
        return cloud_storage_download_blob_as_bytes(
            headrace_gcs_bucket.bucket, "absent.txt", headrace_gcs_bucket.gcp_credentials
        )

    with pytest.raises(FileNotFoundError, match="absent.txt does not exist"):
        pipeline()
