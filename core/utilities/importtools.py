"""Naming objects by dotted path and importing them back (Prefect's `importtools`)."""

from __future__ import annotations

import importlib
from typing import Any


def to_qualified_name(obj: Any) -> str:
    """`module.QualName` of a class or function."""
    return f"{obj.__module__}.{obj.__qualname__}"


def from_qualified_name(name: str) -> Any:
    """The object at a dotted path (`package.module.Class`, also nested attributes)."""
    module_name, _, attribute = name.rpartition(".")
    if not module_name:
        return importlib.import_module(name)
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        owner = from_qualified_name(module_name)
        return getattr(owner, attribute)
    return getattr(module, attribute)


def import_object(import_path: str) -> Any:
    """An object from `module.attr` or `path/to/file.py:attr`."""
    if ":" in import_path:
        import runpy

        path, _, attribute = import_path.rpartition(":")
        return runpy.run_path(path)[attribute]
    return from_qualified_name(import_path)


__all__ = ["from_qualified_name", "import_object", "to_qualified_name"]
