"""Object keys under a bucket folder, built one way for every object-storage block.

A bucket block (S3Bucket, GcsBucket) has a `bucket_folder`; every path given to it is
relative to that folder. Prefect joins the two in several places, each a little
differently, and users meet keys with the folder twice where they meant it once, or
with no folder at all.
Here a key is always built by `join_key` and turned back into a path by `relative_key`,
and both normalise slashes the same way, so the folder appears exactly once.

Rules: `/` is the only separator; empty and `.` segments are dropped (`a//./b` -> `a/b`);
`..` is refused, because an object store has no parent folders to climb to. Methods that
read or write one object use `object_key`, which also refuses a folder path. A trailing
`/` on the path is kept: it marks a folder prefix (`join_key("data", "raw/")` ->
`data/raw/`), which listing and folder copies need.
"""

from __future__ import annotations

__all__ = [
    "InvalidObjectKey",
    "join_key",
    "normalize_folder",
    "object_key",
    "relative_key",
    "split_key",
]


class InvalidObjectKey(ValueError):
    """A path that cannot name an object: it climbs with `..`, or names a folder."""


def split_key(path: str) -> list[str]:
    """The segments of a path: `"/a//b/./c/"` -> `["a", "b", "c"]`."""
    segments = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in segments:
        raise InvalidObjectKey(f"object path {path!r} uses '..'; paths stay inside the folder")
    return segments


def normalize_folder(folder: str | None) -> str:
    """A bucket folder without leading, trailing or doubled slashes (`"/a//b/"` -> `"a/b"`)."""
    return "/".join(split_key(folder or ""))


def join_key(folder: str | None, path: str | None = "") -> str:
    """The object key for `path` inside `folder`.

    `join_key("data/", "/2024/x.csv")` -> `"data/2024/x.csv"`; an empty path gives the
    folder's own prefix (`"data/"`, or `""` for the bucket root); a path ending in `/`
    stays a prefix.
    """
    path = path or ""
    inside = split_key(path)
    key = "/".join(split_key(folder or "") + inside)
    wants_prefix = not inside or path.endswith("/")
    return f"{key}/" if key and wants_prefix else key


def object_key(folder: str | None, path: str | None) -> str:
    """`join_key` for a single object: refuses a path that names a folder (`""`, `"x/"`),
    which would otherwise read or write a folder marker by accident."""
    key = join_key(folder, path)
    if not key or key.endswith("/"):
        raise InvalidObjectKey(f"path {path!r} names a folder, not an object")
    return key


def relative_key(folder: str | None, key: str) -> str:
    """The path of `key` relative to `folder` (the inverse of `join_key`).

    Raises `InvalidObjectKey` when the key is not inside the folder.
    """
    base = split_key(folder or "")
    segments = split_key(key)
    if segments[: len(base)] != base:
        raise InvalidObjectKey(f"object key {key!r} is not inside the folder {folder!r}")
    relative = "/".join(segments[len(base) :])
    return f"{relative}/" if relative and key.endswith("/") else relative
