"""Errors raised by headrace-slack; they name what went wrong and a likely fix, never a
token or a webhook URL."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from headrace.blocks.notifications import NotificationError

#: Slack's error codes -> what usually fixes them
HINTS = {
    "channel_not_found": "no such channel for this token: check the name, or use the "
    "channel id and invite the app to private channels",
    "not_in_channel": "invite the app to the channel",
    "is_archived": "the channel is archived",
    "invalid_auth": "the token is not valid (revoked, mistyped or for another workspace)",
    "not_authed": "no token was sent",
    "account_inactive": "the token belongs to a deactivated user or uninstalled app",
    "missing_scope": "the app lacks the chat:write scope",
    "no_text": "give text, attachments or slack_blocks",
    "no_service": "the webhook was revoked or its URL is wrong",
    "invalid_token": "the webhook URL's token is not valid",
    "channel_is_archived": "the webhook's channel is archived",
    "invalid_payload": "the message body is not valid JSON for Slack",
}


def hint(code: str) -> str:
    return f" ({HINTS[code]})" if code in HINTS else ""


class SlackMessageError(SlackApiError):
    """Slack's Web API refused a message; still a SlackApiError, with `.response`."""

    def __init__(self, channel: str, response) -> None:
        code = response.get("error", "unknown_error")
        self.code = code
        super().__init__(
            f"Slack refused chat.postMessage to {channel!r}: {code}{hint(code)}", response
        )


class SlackWebhookError(NotificationError, RuntimeError):
    """An incoming webhook refused a message (revoked hook, archived channel, bad body);
    a NotificationError like every notification block's failure."""

    def __init__(self, status: int, body: str) -> None:
        self.status = status
        self.body = body
        answer = body or "(empty body)"
        super().__init__(f"Slack webhook answered HTTP {status}: {answer}{hint(body)}")
