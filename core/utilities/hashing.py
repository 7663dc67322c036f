"""Stable hashes of Python objects, for cache keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _not_json(obj: Any) -> Any:
    raise TypeError(f"Unable to serialize unknown type: {type(obj)}")


def hash_objects(
    *args: Any,
    hash_algo: Callable[..., Any] | None = None,
    raise_on_failure: bool = False,
    **kwargs: Any,
) -> str | None:
    """A hex digest of the arguments: JSON when they are JSON-able, else cloudpickle.

    When the objects cannot be serialised either way: None (the caller then skips
    caching rather than failing the run), or with `raise_on_failure` a HashError that
    gives both serialisers' reasons. `hash_algo` defaults to sha256.
    """
    import hashlib
    import json

    try:
        payload = json.dumps([args, kwargs], sort_keys=True, default=_not_json).encode()
    except (TypeError, ValueError) as json_error:
        try:
            import cloudpickle

            payload = cloudpickle.dumps([args, kwargs])
        except Exception as pickle_error:
            if not raise_on_failure:
                return None
            from headrace.exceptions import HashError

            raise HashError(
                "Unable to create hash - objects could not be serialized.\n"
                f"  JSON error: {json_error}\n"
                f"  Pickle error: {pickle_error}"
            ) from pickle_error
    return (hash_algo or hashlib.sha256)(payload).hexdigest()


def file_hash(path: str, hash_algo: Callable[..., Any] | None = None) -> str:
    """The hex digest of a file's bytes (MD5 unless `hash_algo` is given): a flow's
    default version is the hash of the file that defines it."""
    import hashlib

    digest = hash_algo() if hash_algo is not None else hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
