"""headrace-gcp: Cloud Storage blocks and tasks for headrace, following prefect-gcp's API."""

from importlib.metadata import version

from headrace.utilities.lazy import lazy_exports

__version__ = version("headrace-gcp")  # written once, in pyproject.toml

# names resolve on first use, so finding this plugin does not import the client library
__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "BucketNotFound": "headrace_gcp.errors",
        "GcpCredentials": "headrace_gcp.credentials",
        "GcsAccessDenied": "headrace_gcp.errors",
        "GcsBucket": "headrace_gcp.cloud_storage",
        "InvalidGcpCredentials": "headrace_gcp.credentials",
        "cloud_storage_copy_blob": "headrace_gcp.tasks",
        "cloud_storage_create_bucket": "headrace_gcp.tasks",
        "cloud_storage_download_blob_as_bytes": "headrace_gcp.tasks",
        "cloud_storage_download_blob_to_file": "headrace_gcp.tasks",
        "cloud_storage_upload_blob_from_file": "headrace_gcp.tasks",
        "cloud_storage_upload_blob_from_string": "headrace_gcp.tasks",
    },
)
