"""Stable hashes of Python objects, for cache keys."""

from __future__ import annotations

from typing import Any


def hash_objects(*args: Any, **kwargs: Any) -> str | None:
    """A hex digest of the arguments: JSON when they are JSON-able, else cloudpickle.

    Returns None when the objects cannot be serialised either way (the caller then
    skips caching rather than failing the run).
    """
    import hashlib
    import json

    try:
        payload = json.dumps([args, kwargs], sort_keys=True).encode()
    except (TypeError, ValueError):
        try:
            import cloudpickle

            payload = cloudpickle.dumps([args, kwargs])
        except Exception:
            return None
    return hashlib.sha256(payload).hexdigest()
