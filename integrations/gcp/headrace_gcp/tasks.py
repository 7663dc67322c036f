"""Standalone Cloud Storage tasks, named and shaped like prefect-gcp's
(`cloud_storage_upload_blob_from_string`, `..._download_blob_as_bytes`, ...)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from headrace import get_run_logger, task
from headrace_gcp.credentials import GcpCredentials
from headrace_gcp.errors import gcs_errors

__all__ = [
    "cloud_storage_copy_blob",
    "cloud_storage_create_bucket",
    "cloud_storage_download_blob_as_bytes",
    "cloud_storage_download_blob_to_file",
    "cloud_storage_upload_blob_from_file",
    "cloud_storage_upload_blob_from_string",
]


@task
def cloud_storage_create_bucket(
    bucket: str,
    gcp_credentials: GcpCredentials,
    project: str | None = None,
    location: str | None = None,
) -> str:
    """Create a bucket; returns its name."""
    get_run_logger().info("Creating bucket %s", bucket)
    client = gcp_credentials.get_cloud_storage_client(project=project)
    client.create_bucket(bucket, location=location)
    return bucket


@task
def cloud_storage_download_blob_as_bytes(
    bucket: str,
    blob: str,
    gcp_credentials: GcpCredentials,
    project: str | None = None,
    **download_kwargs: Any,
) -> bytes:
    """The content of `gs://bucket/blob`."""
    get_run_logger().info("Downloading gs://%s/%s", bucket, blob)
    client = gcp_credentials.get_cloud_storage_client(project=project)
    with gcs_errors(client, bucket, blob):
        return client.bucket(bucket).blob(blob).download_as_bytes(**download_kwargs)


@task
def cloud_storage_download_blob_to_file(
    bucket: str,
    blob: str,
    path: str | Path,
    gcp_credentials: GcpCredentials,
    project: str | None = None,
    **download_kwargs: Any,
) -> Path:
    """Download `gs://bucket/blob` to `path` (a folder gets the blob's own name)."""
    target = Path(path)
    if target.is_dir():
        target = target / Path(blob).name
    get_run_logger().info("Downloading gs://%s/%s to %s", bucket, blob, target)
    client = gcp_credentials.get_cloud_storage_client(project=project)
    with gcs_errors(client, bucket, blob):
        client.bucket(bucket).blob(blob).download_to_filename(str(target), **download_kwargs)
    return target


@task
def cloud_storage_upload_blob_from_string(
    data: str | bytes,
    bucket: str,
    blob: str,
    gcp_credentials: GcpCredentials,
    content_type: str | None = None,
    project: str | None = None,
    **upload_kwargs: Any,
) -> str:
    """Write `data` to `gs://bucket/blob`; returns the blob name."""
    get_run_logger().info("Uploading to gs://%s/%s", bucket, blob)
    client = gcp_credentials.get_cloud_storage_client(project=project)
    with gcs_errors(client, bucket):
        client.bucket(bucket).blob(blob).upload_from_string(
            data, content_type=content_type, **upload_kwargs
        )
    return blob


@task
def cloud_storage_upload_blob_from_file(
    file: str | Path | BinaryIO,
    bucket: str,
    blob: str,
    gcp_credentials: GcpCredentials,
    content_type: str | None = None,
    project: str | None = None,
    **upload_kwargs: Any,
) -> str:
    """Upload a local file (a path or an open binary file) to `gs://bucket/blob`."""
    get_run_logger().info("Uploading %s to gs://%s/%s", file, bucket, blob)
    client = gcp_credentials.get_cloud_storage_client(project=project)
    target = client.bucket(bucket).blob(blob)
    with gcs_errors(client, bucket):
        if isinstance(file, (str, Path)):
            target.upload_from_filename(str(file), content_type=content_type, **upload_kwargs)
        else:
            target.upload_from_file(file, content_type=content_type, **upload_kwargs)
    return blob


@task
def cloud_storage_copy_blob(
    source_bucket: str,
    dest_bucket: str,
    source_blob: str,
    gcp_credentials: GcpCredentials,
    dest_blob: str | None = None,
    project: str | None = None,
) -> str:
    """Copy a blob (to `dest_blob`, default: the same name); returns the new name."""
    dest_blob = dest_blob or source_blob
    get_run_logger().info(
        "Copying gs://%s/%s to gs://%s/%s", source_bucket, source_blob, dest_bucket, dest_blob
    )
    client = gcp_credentials.get_cloud_storage_client(project=project)
    source = client.bucket(source_bucket)
    with gcs_errors(client, source_bucket, source_blob):
        source.copy_blob(source.blob(source_blob), client.bucket(dest_bucket), dest_blob)
    return dest_blob
