"""headrace-gcp: Cloud Storage blocks and tasks for headrace, following prefect-gcp's API."""

from headrace_gcp.cloud_storage import GcsBucket
from headrace_gcp.credentials import GcpCredentials, InvalidGcpCredentials
from headrace_gcp.errors import BucketNotFound, GcsAccessDenied
from headrace_gcp.tasks import (
    cloud_storage_copy_blob,
    cloud_storage_create_bucket,
    cloud_storage_download_blob_as_bytes,
    cloud_storage_download_blob_to_file,
    cloud_storage_upload_blob_from_file,
    cloud_storage_upload_blob_from_string,
)

__all__ = [
    "BucketNotFound",
    "GcpCredentials",
    "GcsAccessDenied",
    "GcsBucket",
    "InvalidGcpCredentials",
    "cloud_storage_copy_blob",
    "cloud_storage_create_bucket",
    "cloud_storage_download_blob_as_bytes",
    "cloud_storage_download_blob_to_file",
    "cloud_storage_upload_blob_from_file",
    "cloud_storage_upload_blob_from_string",
]
