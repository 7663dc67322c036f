"""headrace plugin: Slack block types and migrate rules (entry point `slack`)."""

from __future__ import annotations

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_block_types() -> list[type]:
    from headrace_slack.credentials import SlackCredentials, SlackWebhook

    return [SlackCredentials, SlackWebhook]


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace_slack.migrate import RULES

    return list(RULES)
