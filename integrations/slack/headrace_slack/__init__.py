"""Slack for headrace: token and webhook blocks, message tasks and a failure hook."""

from headrace_slack.credentials import SlackCredentials, SlackWebhook
from headrace_slack.errors import SlackMessageError, SlackWebhookError
from headrace_slack.hooks import notify_on_failure
from headrace_slack.messages import send_chat_message, send_incoming_webhook_message

__all__ = [
    "SlackCredentials",
    "SlackMessageError",
    "SlackWebhook",
    "SlackWebhookError",
    "notify_on_failure",
    "send_chat_message",
    "send_incoming_webhook_message",
]
