"""Checks on the names and run-name templates that `@flow` and `@task` are given."""

from __future__ import annotations

from typing import Any

from headrace.exceptions import InvalidNameError

#: characters a flow (or deployment) name may not contain, as in Prefect
BANNED_CHARACTERS = ["/", "%", "&", ">", "<"]


def check_name(name: str | None) -> str | None:
    """Raise InvalidNameError when `name` holds a character names may not contain."""
    if name is not None and any(char in name for char in BANNED_CHARACTERS):
        raise InvalidNameError(
            f"Name {name!r} contains an invalid character. "
            f"Must not contain any of: {BANNED_CHARACTERS}."
        )
    return name


def check_run_name(value: Any, option: str) -> None:
    """A run-name template is a string or a callable; anything else fails now, not at the
    first run."""
    if value is not None and not isinstance(value, str) and not callable(value):
        raise TypeError(
            f"Expected string or callable for {option!r}; got {type(value).__name__} instead."
        )
