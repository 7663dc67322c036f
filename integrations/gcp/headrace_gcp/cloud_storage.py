"""`GcsBucket`: a Cloud Storage bucket (and a folder in it) as a headrace storage block.

Every path given to the block is relative to `bucket_folder`; blob names are built by
`headrace.utilities.object_keys`, so the folder is in every name exactly once. Names
that GCS reports back (`list_blobs()[i].name`) are full names; turn one into a block
path with `relative_path`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from pydantic import Field, field_validator

from headrace.filesystems import ObjectStorageBucket, local_files
from headrace.logging import current_logger
from headrace.utilities.object_keys import join_key, object_key, relative_key
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

    # -- paths and clients ---------------------------------------------------------------
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

    # -- result storage ------------------------------------------------------------------
    def read_path(self, path: str) -> bytes:
        """The content of the blob at `path`; `PathNotFound` if there is none."""
        name = self._key(path)
        with self._errors(name):
            return self._blob(name).download_as_bytes()

    def write_path(self, path: str, content: bytes) -> str:
        """Write `content` to the blob at `path`; returns its name."""
        name = self._key(path)
        with self._errors():
            self._blob(name).upload_from_string(content)
        return name

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

    # -- single objects ------------------------------------------------------------------
    def download_object_to_path(
        self, from_path: str, to_path: str | Path | None = None, **download_kwargs: Any
    ) -> Path:
        """Download one blob to a local file (default: its name, in the cwd)."""
        name = self._key(from_path)
        target = Path(to_path if to_path is not None else Path(name).name).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._errors(name):
            self._blob(name).download_to_filename(str(target), **download_kwargs)
        current_logger("gcp").info("Downloaded gs://%s/%s to %s", self.bucket, name, target)
        return target.absolute()

    def download_object_to_file_object(
        self, from_path: str, to_file_object: BinaryIO, **download_kwargs: Any
    ) -> BinaryIO:
        """Download one blob into an open binary file (or BytesIO)."""
        name = self._key(from_path)
        with self._errors(name):
            self._blob(name).download_to_file(to_file_object, **download_kwargs)
        return to_file_object

    def upload_from_path(
        self, from_path: str | Path, to_path: str | None = None, **upload_kwargs: Any
    ) -> str:
        """Upload a local file (default path: its file name); returns the blob name."""
        source = Path(from_path).expanduser()
        name = self._key(to_path if to_path is not None else source.name)
        with self._errors():
            self._blob(name).upload_from_filename(str(source), **upload_kwargs)
        current_logger("gcp").info("Uploaded %s to gs://%s/%s", source, self.bucket, name)
        return name

    def upload_from_file_object(
        self, from_file_object: BinaryIO, to_path: str, **upload_kwargs: Any
    ) -> str:
        """Upload the rest of an open binary file; returns the blob name."""
        name = self._key(to_path)
        with self._errors():
            self._blob(name).upload_from_file(from_file_object, **upload_kwargs)
        return name

    # -- folders -------------------------------------------------------------------------
    def download_folder_to_path(
        self, from_folder: str = "", to_folder: str | Path | None = None, **download_kwargs: Any
    ) -> Path:
        """Download every blob under `from_folder` into `to_folder` (default: cwd),
        keeping the layout below `from_folder`."""
        prefix = self._folder_prefix(from_folder)
        destination = Path(to_folder if to_folder is not None else ".").expanduser()
        with self._errors():
            blobs = list(self._client().list_blobs(self.bucket, prefix=prefix))
        for blob in blobs:
            if blob.name.endswith("/"):  # a folder placeholder holds nothing
                continue
            target = destination / relative_key(prefix, blob.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            with self._errors(blob.name):
                blob.download_to_filename(str(target), **download_kwargs)
        return destination.absolute()

    def upload_from_folder(
        self, from_folder: str | Path, to_folder: str | None = None, **upload_kwargs: Any
    ) -> str:
        """Upload every file under a local folder to `to_folder`; returns the name prefix."""
        source = Path(from_folder).expanduser()
        if not source.is_dir():
            raise NotADirectoryError(f"{str(source)!r} is not a folder")
        prefix = self._folder_prefix(to_folder)
        for path, relative in local_files(source, None):
            with self._errors():
                self._blob(join_key(prefix, str(relative))).upload_from_filename(
                    str(path), **upload_kwargs
                )
        return prefix

    def get_directory(self, from_path: str | None = None, local_path: str | None = None) -> None:
        """Copy `from_path` (relative to the bucket folder; default: all of it) to
        `local_path` (default: cwd)."""
        self.download_folder_to_path(from_path or "", local_path)

    def put_directory(
        self,
        local_path: str | None = None,
        to_path: str | None = None,
        ignore_file: str | None = None,
    ) -> int:
        """Upload `local_path` (default: cwd) under `to_path`; returns the number of files.

        `ignore_file` lists gitignore-like patterns of files to leave out.
        """
        prefix = self._folder_prefix(to_path)
        files = local_files(Path(local_path or ".").resolve(), ignore_file)
        for path, relative in files:
            with self._errors():
                self._blob(join_key(prefix, str(relative))).upload_from_filename(str(path))
        return len(files)

    # -- copy and move -------------------------------------------------------------------
    def _target(self, to_path: str, to_bucket: GcsBucket | str | None) -> tuple[str, str]:
        """(bucket, name) of a copy's target: another block's folder applies to its paths,
        a bare bucket name takes `to_path` as the full name."""
        if to_bucket is None:
            return self.bucket, self._key(to_path)
        if isinstance(to_bucket, GcsBucket):
            return to_bucket.bucket, to_bucket._key(to_path)
        return to_bucket, object_key("", to_path)

    def copy_object(
        self, from_path: str, to_path: str, to_bucket: GcsBucket | str | None = None
    ) -> str:
        """Copy a blob within this bucket or to another; returns the target name."""
        source = self._key(from_path)
        bucket_name, name = self._target(to_path, to_bucket)
        client = self._client()
        with self._errors(source):
            self.get_bucket().copy_blob(self._blob(source), client.bucket(bucket_name), name)
        current_logger("gcp").info(
            "Copied gs://%s/%s to gs://%s/%s", self.bucket, source, bucket_name, name
        )
        return name

    def move_object(
        self, from_path: str, to_path: str, to_bucket: GcsBucket | str | None = None
    ) -> str:
        """Copy a blob, then delete the original; returns the target name."""
        name = self.copy_object(from_path, to_path, to_bucket)
        source = self._key(from_path)
        with self._errors(source):
            self._blob(source).delete()
        return name
