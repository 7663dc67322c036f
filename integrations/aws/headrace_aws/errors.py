"""Clear errors for the usual S3 mistakes: a wrong bucket, a missing key, bad credentials.

boto3 raises one `ClientError` for all of them, with the cause in an error code. Here
each becomes an exception a caller can catch by meaning; a missing key is headrace's
`PathNotFound` (a `FileNotFoundError`), so result storage treats it as a cache miss.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from headrace.filesystems import PathNotFound

__all__ = ["BucketNotFound", "PathNotFound", "S3AccessDenied", "s3_errors"]

_MISSING_KEY = {"NoSuchKey", "404", "NotFound"}
_DENIED = {
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "403",
}


class BucketNotFound(ValueError):
    """The bucket does not exist (or the endpoint is not the one it lives on)."""


class S3AccessDenied(PermissionError):
    """S3 refused the credentials, or they do not allow this operation."""


@contextmanager
def s3_errors(bucket: str, key: str | None = None) -> Iterator[None]:
    """Turn boto3's errors inside the block into the exceptions above."""
    from botocore.exceptions import ClientError, NoCredentialsError

    where = f"s3://{bucket}/{key}" if key is not None else f"s3://{bucket}"
    try:
        yield
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        message = exc.response.get("Error", {}).get("Message") or code
        if code == "NoSuchBucket":
            raise BucketNotFound(
                f"the S3 bucket {bucket!r} does not exist (check bucket_name, and "
                f"endpoint_url for S3-compatible stores)"
            ) from exc
        if code in _MISSING_KEY and key is not None:
            raise PathNotFound(f"{where} does not exist") from exc
        if code in _DENIED:
            raise S3AccessDenied(
                f"S3 refused access to {where}: {code} ({message}). Check the credentials "
                f"block (keys, profile_name, session token) and its permissions."
            ) from exc
        raise
    except NoCredentialsError as exc:
        raise S3AccessDenied(
            f"no AWS credentials were found for {where}: set aws_access_key_id and "
            f"aws_secret_access_key (or profile_name) on the credentials block"
        ) from exc
