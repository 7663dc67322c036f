"""Clear errors for the usual GCS mistakes: a wrong bucket, a missing object, no access.

google-cloud-storage answers both a missing bucket and a missing object with `NotFound`;
here the bucket is checked once the request failed, so the message says which it was. A
missing object is headrace's `PathNotFound` (a `FileNotFoundError`), which result storage
treats as a cache miss.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from headrace.filesystems import PathNotFound

__all__ = ["BucketNotFound", "GcsAccessDenied", "PathNotFound", "gcs_errors"]


class BucketNotFound(ValueError):
    """The bucket does not exist (in this project or on this endpoint)."""


class GcsAccessDenied(PermissionError):
    """GCS refused the credentials, or they do not allow this operation."""


@contextmanager
def gcs_errors(client: Any, bucket: str, blob: str | None = None) -> Iterator[None]:
    """Turn google-cloud-storage's errors inside the block into the exceptions above."""
    from google.api_core.exceptions import Forbidden, NotFound, Unauthorized

    where = f"gs://{bucket}/{blob}" if blob is not None else f"gs://{bucket}"
    try:
        yield
    except NotFound as exc:
        if blob is not None and client.bucket(bucket).exists():
            raise PathNotFound(f"{where} does not exist") from exc
        raise BucketNotFound(
            f"the GCS bucket {bucket!r} does not exist (check the bucket name and the "
            f"credentials' project)"
        ) from exc
    except (Forbidden, Unauthorized) as exc:
        raise GcsAccessDenied(
            f"GCS refused access to {where}: {exc.code} {exc.message}. Check the "
            f"GcpCredentials block (service account key, project) and its permissions."
        ) from exc
