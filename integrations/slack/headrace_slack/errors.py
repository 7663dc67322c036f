"""Errors raised by headrace-slack; they name what went wrong, never a token or URL."""

from __future__ import annotations


class SlackWebhookError(RuntimeError):
    """An incoming webhook refused a message (revoked hook, archived channel, bad body)."""

    def __init__(self, status: int, body: str) -> None:
        self.status = status
        self.body = body
        super().__init__(f"Slack webhook answered HTTP {status}: {body or '(empty body)'}")
