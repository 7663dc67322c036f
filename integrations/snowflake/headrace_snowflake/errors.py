"""Errors raised by headrace-snowflake; they say what to fix and never hold a secret."""

from __future__ import annotations


class SnowflakeConfigError(ValueError):
    """The credentials cannot be used as given (missing secret, unreadable key)."""


class SnowflakeConnectError(ConnectionError):
    """The connector could not open a session (network, account, login refused)."""
