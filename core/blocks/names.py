"""Naming rules: block-type slugs, document names and `"slug/name"` references."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from headrace.blocks.errors import InvalidBlockName

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# word boundaries in a class name: "LocalFileSystem" -> Local|File|System, "S3Bucket" -> S3|Bucket,
# "GCSBucket" -> GCS|Bucket, "JSON" -> JSON
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z0-9]+(?![a-z])|\d+")


def slug_from_class_name(class_name: str) -> str:
    """Prefect-style block-type slug: `LocalFileSystem` -> `local-file-system`."""
    words = _WORDS.findall(class_name)
    return "-".join(word.lower() for word in words) or class_name.lower()


def slug_from_display_name(display_name: str) -> str:
    """A slug from a free-form name: `"Sifflet Credentials"` -> `sifflet-credentials`."""
    return re.sub(r"[^a-z0-9]+", "-", display_name.lower()).strip("-")


def validate_name(name: object, what: str = "block name") -> str:
    """Return `name` if it is lowercase letters, digits and single dashes, else raise."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidBlockName(
            f"invalid {what} {name!r}: use lowercase letters, digits and dashes "
            f"(e.g. 'prod-bucket'), starting and ending with a letter or digit"
        )
    return name


def split_reference(reference: str) -> tuple[str, str]:
    """`"block-type-slug/block-name"` -> `(slug, name)`, both validated."""
    slug, sep, name = reference.partition("/")
    if not sep:
        raise InvalidBlockName(
            f"invalid block reference {reference!r}: expected 'block-type-slug/block-name'"
        )
    return validate_name(slug, "block type slug"), validate_name(name)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ` Did you mean ...?` suffix for an error, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?"
