"""`headrace migrate` rules for legacy Slack code, one module per rule, registered through the
plugin hook (`RULES`)."""

from headrace_slack.migrate.prefect_slack import SlackImports2x
from headrace_slack.migrate.slack_task import SlackLegacy1x

RULES = (SlackLegacy1x, SlackImports2x)

__all__ = ["RULES", "SlackImports2x", "SlackLegacy1x"]
