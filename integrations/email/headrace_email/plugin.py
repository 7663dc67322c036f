"""headrace plugin: email block types and migrate rules (entry point `email`)."""

from __future__ import annotations

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_block_types() -> list[type]:
    from headrace_email.credentials import EmailServerCredentials
    from headrace_email.notification import EmailNotification

    return [EmailServerCredentials, EmailNotification]


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace_email.migrate import RULES

    return list(RULES)
