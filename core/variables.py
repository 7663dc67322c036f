"""Variables: named JSON values kept in the store (Prefect 3's `Variable`).

Prefect 3 replaced the `JSON` and `String` blocks with variables; `headrace migrate`
rewrites `JSON.load("x").value` to `Variable.get("x")`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from headrace.exceptions import ObjectAlreadyExists
from headrace.store import get_store
from headrace.utilities.asyncutils import async_dispatch

_NAME = re.compile(r"^[a-z0-9_-]+$")


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"invalid variable name {name!r}: use lowercase letters, digits, '-' and '_'"
        )


def check_variable(name: str, value: Any) -> None:
    """ValueError for a bad name, TypeError for a value that is not JSON."""
    _check_name(name)
    try:
        json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"variable {name!r} must hold a JSON value: {exc}") from None


class VariableAlreadyExists(ObjectAlreadyExists, ValueError):
    """`Variable.set` of an existing name without `overwrite=True`."""


class Variable:
    """A named JSON value: `Variable.set("x", {...})`, `Variable.get("x")`.

    Like Prefect 3, `get`, `set` and `unset` return their value in sync code and an
    awaitable in async code (`await Variable.get("x")`); `aget`, `aset` and `aunset` are
    the explicit async forms.
    """

    def __init__(self, name: str, value: Any, tags: list[str] | None = None) -> None:
        self.name = name
        self.value = value
        self.tags = list(tags or [])

    def __class_getitem__(cls, _item: Any) -> type[Variable]:
        """`Variable[str].get(...)`: the type is for type checkers only."""
        return cls

    def __repr__(self) -> str:
        return f"Variable(name={self.name!r}, value={self.value!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Variable):
            return NotImplemented
        return (self.name, self.value, self.tags) == (other.name, other.value, other.tags)

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    async def aget(cls, name: str, default: Any = None) -> Any:
        import asyncio

        return await asyncio.to_thread(cls.get, name, default, _sync=True)

    @classmethod
    @async_dispatch(aget)
    def get(cls, name: str, default: Any = None) -> Any:
        """The variable's value, or `default` if there is no such variable."""
        _check_name(name)
        row = get_store().variables.get(name)
        return row["value"] if row is not None else default

    @classmethod
    async def aset(
        cls, name: str, value: Any, tags: list[str] | None = None, overwrite: bool = False
    ) -> Variable:
        import asyncio

        return await asyncio.to_thread(cls.set, name, value, tags, overwrite, _sync=True)

    @classmethod
    @async_dispatch(aset)
    def set(
        cls, name: str, value: Any, tags: list[str] | None = None, overwrite: bool = False
    ) -> Variable:
        """Create (or with `overwrite=True` replace) a variable; the value must be JSON-able."""
        check_variable(name, value)
        try:
            get_store().variables.set(name, value, list(tags or []), overwrite)
        except ObjectAlreadyExists:
            raise VariableAlreadyExists(
                f"Variable {name!r} already exists. Use `overwrite=True` to update it."
            ) from None
        return cls(name, value, tags)

    @classmethod
    async def aunset(cls, name: str) -> bool:
        import asyncio

        return await asyncio.to_thread(cls.unset, name, _sync=True)

    @classmethod
    @async_dispatch(aunset)
    def unset(cls, name: str) -> bool:
        """Delete a variable; False if there was none."""
        _check_name(name)
        return get_store().variables.delete(name)

    @classmethod
    def list(cls) -> list[Variable]:
        return [cls(row["name"], row["value"], row["tags"]) for row in get_store().variables.list()]


__all__ = ["Variable", "VariableAlreadyExists"]
