"""A plugin whose dependency is not installed: it fails on import."""

import headrace_example_missing_dependency  # noqa: F401

from headrace.plugins import hookimpl


@hookimpl
def register_block_types() -> list[type]:
    return []
