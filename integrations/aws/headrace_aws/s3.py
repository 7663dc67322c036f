"""`S3Bucket`: a bucket (and a folder in it) as a headrace storage block.

Every path given to the block is relative to `bucket_folder`; keys are built by
`headrace.utilities.object_keys`, so the folder is in every key exactly once. Keys that
S3 reports back (`list_objects()[i]["Key"]`) are full keys; turn one into a block path
with `relative_path`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from pydantic import Field, field_validator

from headrace.filesystems import ObjectStorageBucket, local_files
from headrace.logging import current_logger
from headrace.utilities.object_keys import join_key, object_key, relative_key
from headrace_aws.credentials import AwsCredentials, MinIOCredentials
from headrace_aws.errors import s3_errors
from headrace_aws.tasks import s3_copy, s3_download, s3_list_objects, s3_move, s3_upload

# the tasks live in `tasks`; they are importable from here too, as from prefect_aws.s3
__all__ = ["S3Bucket", "s3_copy", "s3_download", "s3_list_objects", "s3_move", "s3_upload"]


class S3Bucket(ObjectStorageBucket):
    """An S3 bucket, or a folder in one, to read and write objects and store results.

    Example:
        S3Bucket(bucket_name="results", bucket_folder="etl").save("results")
        @task(persist_result=True, result_storage="s3-bucket/results")
    """

    _block_type_name = "S3 Bucket"

    bucket_name: str = Field(description="Name of the bucket.")
    credentials: AwsCredentials | MinIOCredentials = Field(
        default_factory=AwsCredentials,
        description="Credentials for AWS or an S3-compatible store.",
    )

    @field_validator("bucket_name")
    @classmethod
    def _plain_bucket_name(cls, value: str) -> str:
        if not value or "/" in value or value.startswith("s3:"):
            raise ValueError(
                "bucket_name is the bare bucket name (e.g. 'raw-data'); put a folder in "
                "bucket_folder"
            )
        return value

    # -- paths ---------------------------------------------------------------------------
    def _client(self) -> Any:
        return self.credentials.get_s3_client()

    # -- result storage ------------------------------------------------------------------
    def read_path(self, path: str) -> bytes:
        """The content of the object at `path`; `PathNotFound` if there is none."""
        key = self._key(path)
        with s3_errors(self.bucket_name, key):
            response = self._client().get_object(Bucket=self.bucket_name, Key=key)
            return response["Body"].read()

    def write_path(self, path: str, content: bytes) -> str:
        """Write `content` to the object at `path`; returns its key."""
        key = self._key(path)
        with s3_errors(self.bucket_name, key):
            self._client().put_object(Bucket=self.bucket_name, Key=key, Body=content)
        return key

    # -- listing -------------------------------------------------------------------------
    def list_objects(
        self,
        folder: str = "",
        delimiter: str = "",
        page_size: int | None = None,
        max_items: int | None = None,
        jmespath_query: str | None = None,
    ) -> list[dict[str, Any]]:
        """The objects under `folder` (relative to the bucket folder), as S3 describes them.

        Each dict has S3's fields (`Key`, `Size`, `LastModified`, ...); `Key` is the full key.
        """
        return self._list(
            join_key(self.bucket_folder, folder), delimiter, page_size, max_items, jmespath_query
        )

    def _list(
        self,
        prefix: str,
        delimiter: str = "",
        page_size: int | None = None,
        max_items: int | None = None,
        jmespath_query: str | None = None,
    ) -> list[dict[str, Any]]:
        with s3_errors(self.bucket_name):
            paginator = self._client().get_paginator("list_objects_v2")
            pages = paginator.paginate(
                Bucket=self.bucket_name,
                Prefix=prefix,
                Delimiter=delimiter,
                PaginationConfig={"PageSize": page_size, "MaxItems": max_items},
            )
            if jmespath_query:
                pages = pages.search(f"{jmespath_query} | {{Contents: @}}")
            return [item for page in pages for item in page.get("Contents", [])]

    # -- single objects ------------------------------------------------------------------
    def download_object_to_path(
        self, from_path: str, to_path: str | Path | None = None, **download_kwargs: Any
    ) -> Path:
        """Download one object to a local file (default: its name, in the cwd)."""
        key = self._key(from_path)
        target = Path(to_path if to_path is not None else Path(key).name).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        with s3_errors(self.bucket_name, key):
            self._client().download_file(
                Bucket=self.bucket_name, Key=key, Filename=str(target), **download_kwargs
            )
        current_logger("aws").info("Downloaded s3://%s/%s to %s", self.bucket_name, key, target)
        return target.absolute()

    def download_object_to_file_object(
        self, from_path: str, to_file_object: BinaryIO, **download_kwargs: Any
    ) -> BinaryIO:
        """Download one object into an open binary file (or BytesIO)."""
        key = self._key(from_path)
        with s3_errors(self.bucket_name, key):
            self._client().download_fileobj(
                Bucket=self.bucket_name, Key=key, Fileobj=to_file_object, **download_kwargs
            )
        return to_file_object

    def upload_from_path(
        self, from_path: str | Path, to_path: str | None = None, **upload_kwargs: Any
    ) -> str:
        """Upload a local file (default path: its file name); returns the key."""
        source = Path(from_path).expanduser()
        key = self._key(to_path if to_path is not None else source.name)
        with s3_errors(self.bucket_name):
            self._client().upload_file(
                Filename=str(source), Bucket=self.bucket_name, Key=key, **upload_kwargs
            )
        current_logger("aws").info("Uploaded %s to s3://%s/%s", source, self.bucket_name, key)
        return key

    def upload_from_file_object(
        self, from_file_object: BinaryIO, to_path: str, **upload_kwargs: Any
    ) -> str:
        """Upload the rest of an open binary file; returns the key."""
        key = self._key(to_path)
        with s3_errors(self.bucket_name):
            self._client().upload_fileobj(
                Fileobj=from_file_object, Bucket=self.bucket_name, Key=key, **upload_kwargs
            )
        return key

    # -- folders -------------------------------------------------------------------------
    def download_folder_to_path(
        self, from_folder: str = "", to_folder: str | Path | None = None, **download_kwargs: Any
    ) -> Path:
        """Download every object under `from_folder` into `to_folder` (default: cwd),
        keeping the layout below `from_folder`."""
        prefix = self._folder_prefix(from_folder)
        destination = Path(to_folder if to_folder is not None else ".").expanduser()
        for item in self._list(prefix):
            key = item["Key"]
            if key.endswith("/"):  # a "folder marker" object holds nothing
                continue
            target = destination / relative_key(prefix, key)
            target.parent.mkdir(parents=True, exist_ok=True)
            with s3_errors(self.bucket_name, key):
                self._client().download_file(
                    Bucket=self.bucket_name, Key=key, Filename=str(target), **download_kwargs
                )
        return destination.absolute()

    def upload_from_folder(
        self, from_folder: str | Path, to_folder: str | None = None, **upload_kwargs: Any
    ) -> str:
        """Upload every file under a local folder to `to_folder`; returns the key prefix."""
        source = Path(from_folder).expanduser()
        if not source.is_dir():
            raise NotADirectoryError(f"{str(source)!r} is not a folder")
        prefix = self._folder_prefix(to_folder)
        for path, relative in local_files(source, None):
            key = join_key(prefix, str(relative))
            with s3_errors(self.bucket_name):
                self._client().upload_file(
                    Filename=str(path), Bucket=self.bucket_name, Key=key, **upload_kwargs
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
            with s3_errors(self.bucket_name):
                self._client().upload_file(
                    Filename=str(path), Bucket=self.bucket_name, Key=join_key(prefix, str(relative))
                )
        return len(files)

    # -- copy and move -------------------------------------------------------------------
    def _target(self, to_path: str, to_bucket: S3Bucket | str | None) -> tuple[str, str]:
        """(bucket, key) of a copy's target: another block's folder applies to its paths,
        a bare bucket name takes `to_path` as the full key."""
        if to_bucket is None:
            return self.bucket_name, self._key(to_path)
        if isinstance(to_bucket, S3Bucket):
            return to_bucket.bucket_name, to_bucket._key(to_path)
        return to_bucket, object_key("", to_path)

    def copy_object(
        self,
        from_path: str,
        to_path: str,
        to_bucket: S3Bucket | str | None = None,
        **copy_kwargs: Any,
    ) -> str:
        """Copy an object within this bucket or to another; returns the target key."""
        source = self._key(from_path)
        bucket, key = self._target(to_path, to_bucket)
        with s3_errors(self.bucket_name, source):
            self._client().copy_object(
                CopySource={"Bucket": self.bucket_name, "Key": source},
                Bucket=bucket,
                Key=key,
                **copy_kwargs,
            )
        current_logger("aws").info(
            "Copied s3://%s/%s to s3://%s/%s", self.bucket_name, source, bucket, key
        )
        return key

    def move_object(
        self, from_path: str, to_path: str, to_bucket: S3Bucket | str | None = None
    ) -> str:
        """Copy an object, then delete the original; returns the target key."""
        key = self.copy_object(from_path, to_path, to_bucket)
        source = self._key(from_path)
        with s3_errors(self.bucket_name, source):
            self._client().delete_object(Bucket=self.bucket_name, Key=source)
        return key
