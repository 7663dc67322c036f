"""`GcsBucket`: a Cloud Storage bucket (and a folder in it) as a headrace storage block.

Every path given to the block is relative to `bucket_folder`; blob names are built by
`headrace.utilities.object_keys`, so the folder is in every name exactly once. Names
that GCS reports back (`list_blobs()[i].name`) are full names; turn one into a block
path with `relative_path`. The transfer methods (read/write, upload/download of files,
file objects and folders, copy and move) are `ObjectStorageBucket`'s, shared with
S3Bucket; this module gives them google-cloud-storage's calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from pydantic import Field, field_validator

from headrace.filesystems import ObjectStorageBucket
from headrace.utilities.object_keys import join_key
from headrace_gcp.credentials import GcpCredentials
from headrace_gcp.errors import gcs_errors
from headrace_gcp.tasks import (
    cloud_storage_copy_blob,
    cloud_storage_create_bucket,
    cloud_storage_download_blob_as_bytes,
    cloud_storage_download_blob_to_file,
    cloud_storage_upload_blob_from_file,
    cloud_storage_upload_blob_from_string,
)

# the tasks live in `tasks`; they are importable from here too, as from prefect_gcp
__all__ = [
    "GcsBucket",
    "cloud_storage_copy_blob",
    "cloud_storage_create_bucket",
    "cloud_storage_download_blob_as_bytes",
    "cloud_storage_download_blob_to_file",
    "cloud_storage_upload_blob_from_file",
    "cloud_storage_upload_blob_from_string",
]


class GcsBucket(ObjectStorageBucket):
    """A Cloud Storage bucket, or a folder in one, to read and write blobs and store results.

    Example:
        GcsBucket(bucket="results", bucket_folder="etl").save("results")
        @task(persist_result=True, result_storage="gcs-bucket/results")
    """

    _block_type_name = "GCS Bucket"

    bucket: str = Field(description="Name of the bucket.")
    gcp_credentials: GcpCredentials = Field(
        default_factory=GcpCredentials, description="Credentials (and project) to use."
    )

    @field_validator("bucket")
    @classmethod
    def _plain_bucket_name(cls, value: str) -> str:
        if not value or "/" in value or value.startswith("gs:"):
            raise ValueError(
                "bucket is the bare bucket name (e.g. 'raw-data'); put a folder in bucket_folder"
            )
        return value

    _url_scheme = "gs"
    _logger_name = "gcp"

    @property
    def _bucket(self) -> str:
        return self.bucket

    # -- clients -------------------------------------------------------------------------
    def _client(self) -> Any:
        return self.gcp_credentials.get_cloud_storage_client()

    def get_bucket(self) -> Any:
        """The google-cloud-storage Bucket object (no request is made)."""
        return self._client().bucket(self.bucket)

    def _blob(self, name: str) -> Any:
        return self.get_bucket().blob(name)

    def _errors(self, name: str | None = None) -> Any:
        return gcs_errors(self._client(), self.bucket, name)

    def create_bucket(self, location: str | None = None, **create_kwargs: Any) -> Any:
        """Create the bucket (in the credentials' project); returns it."""
        return self._client().create_bucket(self.bucket, location=location, **create_kwargs)

    # -- the primitives the shared transfer methods use ----------------------------------
    def _read(self, key: str) -> bytes:
        with self._errors(key):
            return self._blob(key).download_as_bytes()

    def _write(self, key: str, content: bytes) -> None:
        with self._errors():
            self._blob(key).upload_from_string(content)

    def _download(self, key: str, target: Path, **kwargs: Any) -> None:
        with self._errors(key):
            self._blob(key).download_to_filename(str(target), **kwargs)

    def _download_fileobj(self, key: str, file: BinaryIO, **kwargs: Any) -> None:
        with self._errors(key):
            self._blob(key).download_to_file(file, **kwargs)

    def _upload(self, source: Path, key: str, **kwargs: Any) -> None:
        with self._errors():
            self._blob(key).upload_from_filename(str(source), **kwargs)

    def _upload_fileobj(self, file: BinaryIO, key: str, **kwargs: Any) -> None:
        with self._errors():
            self._blob(key).upload_from_file(file, **kwargs)

    def _keys(self, prefix: str) -> list[str]:
        with self._errors():
            return [blob.name for blob in self._client().list_blobs(self.bucket, prefix=prefix)]

    def _copy(self, source: str, bucket: str, key: str, **kwargs: Any) -> None:
        with self._errors(source):
            self.get_bucket().copy_blob(
                self._blob(source), self._client().bucket(bucket), key, **kwargs
            )

    def _delete(self, key: str) -> None:
        with self._errors(key):
            self._blob(key).delete()

    # -- listing -------------------------------------------------------------------------
    def list_blobs(self, folder: str = "") -> list[Any]:
        """The blobs whose names start with `folder` (relative to the bucket folder);
        folder placeholders (names ending in `/`) are left out."""
        with self._errors():
            blobs = self._client().list_blobs(
                self.bucket, prefix=join_key(self.bucket_folder, folder)
            )
            return [blob for blob in blobs if not blob.name.endswith("/")]

    def list_objects(self, folder: str = "") -> list[Any]:
        """`list_blobs`, under the name S3Bucket uses."""
        return self.list_blobs(folder)
