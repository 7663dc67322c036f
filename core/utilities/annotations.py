"""Argument annotations: `unmapped`, `quote` and `allow_failure` (Prefect 3 semantics)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

T = TypeVar("T")


class BaseAnnotation(Generic[T]):
    """Wraps one value; `unwrap()` gives it back."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def unwrap(self) -> T:
        return self.value

    def rewrap(self, value: Any) -> BaseAnnotation[Any]:
        return type(self)(value)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.value == other.value  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"


class unmapped(BaseAnnotation[T]):
    """Pass this argument whole to every mapped call instead of mapping over it."""

    __slots__ = ()

    def __getitem__(self, _index: Any) -> T:
        return self.value


class quote(BaseAnnotation[T]):
    """Pass this argument as-is: futures and states inside it are not resolved."""

    __slots__ = ()

    def unquote(self) -> T:
        return self.value


class allow_failure(BaseAnnotation[T]):
    """Run the downstream task even if this upstream failed; it receives the exception."""

    __slots__ = ()


class opaque(BaseAnnotation[T]):
    """Resolve this future or state to its result, but do not look inside the result
    for more futures or states (cheap for large results; nested states pass as-is)."""

    __slots__ = ()


class Quote(quote[T]):
    """Prefect's deprecated spelling of `quote`."""

    __slots__ = ()

    def __init__(self, value: T) -> None:
        import warnings

        warnings.warn("Use of `Quote` is deprecated. Use `quote` instead.", DeprecationWarning, 2)
        super().__init__(value)


__all__ = ["BaseAnnotation", "Quote", "allow_failure", "opaque", "quote", "unmapped"]
