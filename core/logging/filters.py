"""Log filters: the server's API key never reaches a log line."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from headrace.settings import SettingsError, get_settings
from headrace.utilities.names import obfuscate

API_KEY_ENV = "HEADRACE_API_KEY"


def redact_substr(obj: Any, substr: str) -> Any:
    """`obj` with every occurrence of `substr` in its strings masked (lists, tuples, sets
    and mappings are walked; other objects are replaced by their masked text when their
    text holds it)."""
    if isinstance(obj, str):
        return obj.replace(substr, obfuscate(substr))
    if isinstance(obj, Mapping):
        return {key: redact_substr(value, substr) for key, value in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        items = [redact_substr(item, substr) for item in obj]
        if hasattr(type(obj), "_make"):  # a namedtuple keeps its type
            return type(obj)._make(items)
        return type(obj)(items)
    text = str(obj)
    return text.replace(substr, obfuscate(substr)) if substr in text else obj


class ObfuscateApiKeyFilter(logging.Filter):
    """Masks the value of `HEADRACE_API_KEY` in a record's message and arguments (the
    record is rewritten to its masked message); lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:  # the key may come from a profile, not only the environment
            key = get_settings().api_key
        except SettingsError:
            key = os.environ.get(API_KEY_ENV)
        if not key:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: mask the parts instead
            record.msg = redact_substr(record.msg, key)
            record.args = redact_substr(record.args, key)
            return True
        if key in message:
            record.msg = message.replace(key, obfuscate(key))
            record.args = None
        return True
