"""Naming rules: block-type slugs, document names and `"slug/name"` references.

They are Prefect's rules, so that names saved on one work on the other: a slug is the
type's display name (`_block_type_name`, else the class name) lowercased with every run
of other characters turned into one dash (`"S3 Bucket"` -> `s3-bucket`, `MyBlock` ->
`myblock`); a document name is one or more lowercase letters, digits and dashes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from headrace.blocks.errors import InvalidBlockName

_NAME = re.compile(r"[a-z0-9-]+")


class InvalidBlockDocumentName(InvalidBlockName, ValidationError):
    """A name that breaks the naming rules: headrace's `InvalidBlockName` and, as Prefect
    raises when it validates a block document, a pydantic `ValidationError`."""

    def __str__(self) -> str:  # the rule itself, without pydantic's framing
        return "; ".join(error["msg"] for error in self.errors())


_CLASS_NAME_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z0-9]+(?![a-z])|\d+")


def legacy_slug(block_class: type) -> str | None:
    """The slug headrace 0.1 gave a block class that names neither its slug nor its
    display name (one dash per word of the class name: `MyBlock` -> `my-block`), when it
    differs from today's; documents saved then are still found under it."""
    if "_block_type_slug" in block_class.__dict__ or "_block_type_name" in block_class.__dict__:
        return None
    words = _CLASS_NAME_WORDS.findall(block_class.__name__)
    old = "-".join(word.lower() for word in words) or block_class.__name__.lower()
    return None if old == slugify(block_class.__name__) else old


def slugify(display_name: str) -> str:
    """A slug from a free-form name: `"Sifflet Credentials"` -> `sifflet-credentials`."""
    return re.sub(r"[^a-z0-9]+", "-", display_name.lower()).strip("-")


def validate_name(name: object, what: str = "Block document name") -> str:
    """Return `name` if it is lowercase letters, digits and dashes, else raise."""
    if isinstance(name, str) and _NAME.fullmatch(name):
        return name
    error = PydanticCustomError(
        "value_error",
        "{what} must only contain lowercase letters, numbers, and dashes "
        "(e.g. 'prod-bucket'), got {name}",
        {"what": what, "name": repr(name)},
    )
    raise InvalidBlockDocumentName.from_exception_data(
        "BlockDocument", [InitErrorDetails(type=error, loc=("name",), input=name)]
    )


def split_reference(reference: str) -> tuple[str, str]:
    """`"block-type-slug/block-name"` -> `(slug, name)`, both validated."""
    slug, sep, name = reference.partition("/")
    if not sep:
        raise InvalidBlockName(
            f"invalid block reference {reference!r}: expected 'block-type-slug/block-name'"
        )
    return validate_name(slug, "Block type slug"), validate_name(name)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ` Did you mean ...?` suffix for an error, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(c) for c in close) + "?"
