"""`S3Bucket`: a bucket (and a folder in it) as a headrace storage block.

Every path given to the block is relative to `bucket_folder`; keys are built by
`headrace.utilities.object_keys`, so the folder is in every key exactly once. Keys that
S3 reports back (`list_objects()[i]["Key"]`) are full keys; turn one into a block path
with `relative_path`. The transfer methods (read/write, upload/download of files, file
objects and folders, copy and move) are `ObjectStorageBucket`'s, shared with GcsBucket;
this module gives them boto3's calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from pydantic import Field, field_validator

from headrace.filesystems import ObjectStorageBucket
from headrace.utilities.object_keys import join_key
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

    _url_scheme = "s3"
    _logger_name = "aws"

    @property
    def _bucket(self) -> str:
        return self.bucket_name

    def _client(self) -> Any:
        return self.credentials.get_s3_client()

    # -- the primitives the shared transfer methods use ----------------------------------
    def _read(self, key: str) -> bytes:
        with s3_errors(self.bucket_name, key):
            return self._client().get_object(Bucket=self.bucket_name, Key=key)["Body"].read()

    def _write(self, key: str, content: bytes) -> None:
        with s3_errors(self.bucket_name, key):
            self._client().put_object(Bucket=self.bucket_name, Key=key, Body=content)

    def _download(self, key: str, target: Path, **kwargs: Any) -> None:
        with s3_errors(self.bucket_name, key):
            self._client().download_file(
                Bucket=self.bucket_name, Key=key, Filename=str(target), **kwargs
            )

    def _download_fileobj(self, key: str, file: BinaryIO, **kwargs: Any) -> None:
        with s3_errors(self.bucket_name, key):
            self._client().download_fileobj(
                Bucket=self.bucket_name, Key=key, Fileobj=file, **kwargs
            )

    def _upload(self, source: Path, key: str, **kwargs: Any) -> None:
        with s3_errors(self.bucket_name):
            self._client().upload_file(
                Filename=str(source), Bucket=self.bucket_name, Key=key, **kwargs
            )

    def _upload_fileobj(self, file: BinaryIO, key: str, **kwargs: Any) -> None:
        with s3_errors(self.bucket_name):
            self._client().upload_fileobj(Fileobj=file, Bucket=self.bucket_name, Key=key, **kwargs)

    def _keys(self, prefix: str) -> list[str]:
        return [item["Key"] for item in self._list(prefix)]

    def _copy(self, source: str, bucket: str, key: str, **kwargs: Any) -> None:
        with s3_errors(self.bucket_name, source):
            self._client().copy_object(
                CopySource={"Bucket": self.bucket_name, "Key": source},
                Bucket=bucket,
                Key=key,
                **kwargs,
            )

    def _delete(self, key: str) -> None:
        with s3_errors(self.bucket_name, key):
            self._client().delete_object(Bucket=self.bucket_name, Key=key)

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
