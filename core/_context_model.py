"""`headrace.context.ContextModel`: a typed, pydantic-validated context object of your own,
entered with `with` and read back with `.get()`, as Prefect's base class for contexts."""

from __future__ import annotations

import contextvars
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, PrivateAttr


class ContextModel(BaseModel):
    """Subclass it with a `__var__: ContextVar` and typed fields.

    One object is entered at most once at a time (a copy can be entered again inside),
    and leaving restores the context that was in force before.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    __var__: ClassVar[contextvars.ContextVar[Any]]
    _token: contextvars.Token | None = PrivateAttr(None)

    def __enter__(self) -> Any:
        if self._token is not None:
            raise RuntimeError("Context already entered. Context enter calls cannot be nested.")
        self._token = self.__var__.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is None:
            raise RuntimeError("Asymmetric use of context. Context exit called without an enter.")
        self.__var__.reset(self._token)
        self._token = None

    @classmethod
    def get(cls) -> Any:
        """The innermost entered context of this class, or None."""
        return cls.__var__.get(None)

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any:
        """A copy that has not been entered (so it can be entered inside this one)."""
        copy = super().model_copy(update=update, deep=deep)
        copy._token = None
        return copy

    def serialize(self, include_secrets: bool = True) -> dict[str, Any]:
        """The fields as plain data."""
        return self.model_dump(exclude_unset=True)
