"""Prefect 3's `prefect.types` names that user code imports."""

from __future__ import annotations

from typing import Any

from headrace.types._datetime import Date, DateTime


def now_timestamp() -> float:
    """Now as a POSIX timestamp, read through `headrace.types._datetime.now` (Prefect's
    `prefect.types._datetime.now`), so tests that patch that function move this clock."""
    from headrace.types import _datetime

    return _datetime.now("UTC").timestamp()


def __getattr__(name: str) -> Any:
    # the blocks package imports pydantic; only pay for it when SecretDict is used
    if name == "SecretDict":
        from headrace.secrets import SecretDict

        return SecretDict
    raise AttributeError(f"module 'headrace.types' has no attribute {name!r}")


__all__ = ["Date", "DateTime", "SecretDict", "now_timestamp"]
