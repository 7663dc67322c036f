"""A plugin written for a plugin API newer than this headrace speaks."""

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 99


@hookimpl
def register_block_types() -> list[type]:
    return []
