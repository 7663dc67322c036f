"""Lazy package exports: `from pkg import Name` imports Name's module on first use.

Integration packages are loaded by the plugin manager on every CLI start and plugin
lookup; their top-level `__init__` must not import boto3, the Snowflake connector or
dbt just to be found.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], list[str]]:
    """A module `__getattr__` resolving `exports` (name -> module) and the `__all__` list.

    Use in a package's `__init__.py`:
    `__getattr__, __all__ = lazy_exports(__name__, {"S3Bucket": "headrace_aws.s3"})`.
    """

    def __getattr__(name: str) -> Any:
        module_name = exports.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name), name)
        importlib.import_module(package).__dict__[name] = value
        return value

    return __getattr__, sorted(exports)
