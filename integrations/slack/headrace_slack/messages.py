"""Tasks that post messages, named and shaped like prefect-slack's."""

from __future__ import annotations

from typing import Any

from headrace import task
from headrace_slack.credentials import SlackCredentials, SlackWebhook


@task
def send_chat_message(
    channel: str,
    slack_credentials: SlackCredentials,
    text: str | None = None,
    attachments: list[dict] | None = None,
    slack_blocks: list[dict] | None = None,
) -> dict[str, Any]:
    """Post with chat.postMessage and return Slack's answer (`channel`, `ts`, `message`).

    Slack's refusals (`channel_not_found`, `invalid_auth`, ...) raise slack_sdk's
    SlackApiError, whose message names the error code.
    """
    client = slack_credentials.get_client()
    response = client.chat_postMessage(
        channel=channel, text=text, attachments=attachments, blocks=slack_blocks
    )
    return dict(response.data)


@task
def send_incoming_webhook_message(
    slack_webhook: SlackWebhook,
    text: str | None = None,
    attachments: list[dict] | None = None,
    slack_blocks: list[dict] | None = None,
) -> None:
    """Post through an incoming webhook; a refusal raises SlackWebhookError."""
    slack_webhook.send(text=text, attachments=attachments, blocks=slack_blocks)
