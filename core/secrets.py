"""Secret value types and the mask that shows them, below both the store and blocks.

`SecretDict`, the pydantic secret types and `is_secret_annotation` are shared by block
fields, flow parameter validation and the store's handling of secret parameters, so
they live here rather than in any one of them.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, Secret, SecretBytes, SecretStr

MASK = "**********"
SECRET_TYPES = (SecretStr, SecretBytes, Secret)


def _mask_leaves(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _mask_leaves(item) for key, item in value.items()}
    return MASK


class SecretDict(Secret[dict[str, Any]]):
    """A dict whose values are all secret: keys stay visible, values (at any depth) are masked.

    `field.get_secret_value()` returns the plain dict.
    """

    def _display(self) -> Any:  # repr shows the keys so a reader knows what is inside
        return _mask_leaves(self.get_secret_value())

    def __str__(self) -> str:  # also what a JSON dump shows: one mask, as in Prefect
        return MASK

    def masked(self) -> dict[str, Any]:
        return _mask_leaves(self.get_secret_value())


def is_secret_annotation(annotation: Any) -> bool:
    """True if a field's type is (or wraps, e.g. `SecretStr | None`) a secret type."""
    if isinstance(annotation, type):
        if issubclass(annotation, SECRET_TYPES):
            return True
        if issubclass(annotation, BaseModel):
            return False
    origin = typing.get_origin(annotation)
    if isinstance(origin, type) and issubclass(origin, SECRET_TYPES):  # Secret[int]
        return True
    return any(is_secret_annotation(arg) for arg in typing.get_args(annotation))
