"""Slack for headrace: token and webhook blocks, message tasks and a failure hook."""

from importlib.metadata import version

from headrace.utilities.lazy import lazy_exports

__version__ = version("headrace-slack")  # written once, in pyproject.toml

# names resolve on first use, so finding this plugin does not import the client library
__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "SlackCredentials": "headrace_slack.credentials",
        "SlackMessageError": "headrace_slack.errors",
        "SlackWebhook": "headrace_slack.credentials",
        "SlackWebhookError": "headrace_slack.errors",
        "notify_on_failure": "headrace_slack.hooks",
        "send_chat_message": "headrace_slack.messages",
        "send_incoming_webhook_message": "headrace_slack.messages",
    },
)
