"""The headrace plugin of headrace-gcp: its block types and migrate rules.

Cheap to import: google-cloud-storage and the blocks load only when a hook is called.
"""

from __future__ import annotations

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_block_types() -> list[type]:
    from headrace_gcp import GcpCredentials, GcsBucket

    return [GcpCredentials, GcsBucket]


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace_gcp.migrate import RULES

    return list(RULES)
