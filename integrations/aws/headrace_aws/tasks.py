"""Standalone S3 tasks, named and shaped like prefect-aws's (`s3_upload`, `s3_download`, ...).

`aws_client_parameters` defaults to None, meaning the credentials block's own client
options (its `endpoint_url`, ...); prefect-aws silently uses empty options instead.
"""

from __future__ import annotations

import uuid
from typing import Any

from headrace import get_run_logger, task
from headrace_aws.credentials import AwsClientParameters, AwsCredentials, MinIOCredentials
from headrace_aws.errors import s3_errors

__all__ = ["s3_copy", "s3_download", "s3_list_objects", "s3_move", "s3_upload"]

Credentials = AwsCredentials | MinIOCredentials


def _s3_client(credentials: Credentials, parameters: AwsClientParameters | None) -> Any:
    if parameters is None:
        return credentials.get_s3_client()
    return credentials.get_boto3_session().client("s3", **parameters.get_params_override())


@task
def s3_download(
    bucket: str,
    key: str,
    aws_credentials: Credentials,
    aws_client_parameters: AwsClientParameters | None = None,
) -> bytes:
    """The content of `s3://bucket/key`."""
    get_run_logger().info("Downloading s3://%s/%s", bucket, key)
    client = _s3_client(aws_credentials, aws_client_parameters)
    with s3_errors(bucket, key):
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()


@task
def s3_upload(
    data: bytes | str,
    bucket: str,
    aws_credentials: Credentials,
    aws_client_parameters: AwsClientParameters | None = None,
    key: str | None = None,
) -> str:
    """Write `data` (text is UTF-8 encoded) to `s3://bucket/key`; returns the key
    (a random UUID when none is given)."""
    key = key or str(uuid.uuid4())
    body = data.encode() if isinstance(data, str) else data
    get_run_logger().info("Uploading %d bytes to s3://%s/%s", len(body), bucket, key)
    client = _s3_client(aws_credentials, aws_client_parameters)
    with s3_errors(bucket, key):
        client.put_object(Bucket=bucket, Key=key, Body=body)
    return key


@task
def s3_list_objects(
    bucket: str,
    aws_credentials: Credentials,
    aws_client_parameters: AwsClientParameters | None = None,
    prefix: str = "",
    delimiter: str = "",
    page_size: int | None = None,
    max_items: int | None = None,
    jmespath_query: str | None = None,
) -> list[dict[str, Any]]:
    """The objects under `prefix`, as S3 describes them (`Key`, `Size`, ...)."""
    get_run_logger().info("Listing s3://%s/%s", bucket, prefix)
    client = _s3_client(aws_credentials, aws_client_parameters)
    with s3_errors(bucket):
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=bucket,
            Prefix=prefix,
            Delimiter=delimiter,
            PaginationConfig={"PageSize": page_size, "MaxItems": max_items},
        )
        if jmespath_query:
            pages = pages.search(f"{jmespath_query} | {{Contents: @}}")
        return [item for page in pages for item in page.get("Contents", [])]


@task
def s3_copy(
    source_path: str,
    target_path: str,
    source_bucket_name: str,
    aws_credentials: Credentials,
    target_bucket_name: str | None = None,
    **copy_kwargs: Any,
) -> str:
    """Copy an object (to another bucket with `target_bucket_name`); returns the target key."""
    target_bucket = target_bucket_name or source_bucket_name
    get_run_logger().info(
        "Copying s3://%s/%s to s3://%s/%s",
        source_bucket_name,
        source_path,
        target_bucket,
        target_path,
    )
    client = aws_credentials.get_s3_client()
    with s3_errors(source_bucket_name, source_path):
        client.copy_object(
            CopySource={"Bucket": source_bucket_name, "Key": source_path},
            Bucket=target_bucket,
            Key=target_path,
            **copy_kwargs,
        )
    return target_path


@task
def s3_move(
    source_path: str,
    target_path: str,
    source_bucket_name: str,
    aws_credentials: Credentials,
    target_bucket_name: str | None = None,
) -> str:
    """Copy an object, then delete the original; returns the target key."""
    s3_copy.fn(source_path, target_path, source_bucket_name, aws_credentials, target_bucket_name)
    with s3_errors(source_bucket_name, source_path):
        aws_credentials.get_s3_client().delete_object(Bucket=source_bucket_name, Key=source_path)
    return target_path
