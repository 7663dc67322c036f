"""Tasks that post messages, named and shaped like prefect-slack's."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError

from headrace import task
from headrace_slack.credentials import SlackCredentials, SlackWebhook
from headrace_slack.errors import SlackMessageError


@task
def send_chat_message(
    channel: str,
    slack_credentials: SlackCredentials,
    text: str | None = None,
    attachments: list[dict] | None = None,
    slack_blocks: list[dict] | None = None,
) -> dict[str, Any]:
    """Post with chat.postMessage and return Slack's answer (`channel`, `ts`, `message`).

    Slack's refusals (`channel_not_found`, `invalid_auth`, ...) raise SlackMessageError,
    a slack_sdk SlackApiError whose message names the channel, the code and a likely fix.
    """
    client = slack_credentials.get_client()
    try:
        response = client.chat_postMessage(
            channel=channel, text=text, attachments=attachments, blocks=slack_blocks
        )
    except SlackApiError as exc:
        raise SlackMessageError(channel, exc.response) from exc
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
