"""`with_options` for flows and tasks: the options a copy is built with."""

from __future__ import annotations

from typing import Any


def changed_options(current: dict[str, Any], name: str, kind: str, changes: dict[str, Any]) -> dict:
    """`current` (the decorator's options) updated with `changes`; the copy keeps the
    original's resolved `name` unless renamed. Unknown option names are a TypeError."""
    unknown = set(changes) - set(current)
    if unknown:
        raise TypeError(f"unknown {kind} option(s): {', '.join(sorted(unknown))}")
    merged = {**current, **changes}
    if "name" not in changes:
        merged["name"] = name
    return merged
