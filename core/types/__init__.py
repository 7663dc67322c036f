"""Prefect 3's `prefect.types` names that user code imports."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # the blocks package imports pydantic; only pay for it when SecretDict is used
    if name == "SecretDict":
        from headrace.secrets import SecretDict

        return SecretDict
    raise AttributeError(f"module 'headrace.types' has no attribute {name!r}")
