"""Loggers for slack_sdk clients that never print the client's secrets.

slack_sdk logs request URLs and headers at debug level; a webhook URL is itself a
credential and the Web API headers carry the token, so each client gets a private logger
whose records have those values masked before any handler sees them.
"""

from __future__ import annotations

import logging

MASK = "**********"


class _Redact(logging.Filter):
    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for secret in self.secrets:
            message = message.replace(secret, MASK)
        record.msg, record.args = message, None
        return True


def redacting_logger(kind: str, *secrets: str) -> logging.Logger:
    """A logger under `headrace_slack.<kind>` that masks `secrets` in every record."""
    logger = logging.Logger(f"headrace_slack.{kind}")
    logger.parent = logging.getLogger("headrace_slack")
    logger.addFilter(_Redact(secrets))
    return logger
