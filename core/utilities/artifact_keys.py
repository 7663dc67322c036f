"""The one rule for artifact keys, shared by the client, the server and the CLI."""

from __future__ import annotations

import re

_KEY = re.compile(r"^[a-z0-9-]+$")


def check_artifact_key(key: str) -> str:
    """`key` if it is made of lowercase letters, digits and dashes, else ValueError (as
    Prefect: keys appear in URLs and the artifacts page groups by them)."""
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(
            f"invalid artifact key {key!r}: artifact keys must only contain lowercase "
            "letters, numbers, and dashes"
        )
    return key
