"""Argument annotations: `unmapped`, `quote` and `allow_failure` (Prefect 3 semantics),
and `freeze` for deployment parameters."""

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


class freeze(BaseAnnotation[T]):
    """A deployment parameter people may not change when they start a run: its value is
    the deployment's, and its parameter schema property is marked `readOnly`. Only JSON
    values can be frozen (the value is shown and stored as JSON)."""

    __slots__ = ()

    def __init__(self, value: T) -> None:
        import json

        try:
            json.dumps(value, default=_json_for_sets)
        except (TypeError, ValueError):
            raise ValueError("Value must be JSON serializable") from None
        super().__init__(value)

    def unfreeze(self) -> T:
        return self.value

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(
            lambda value: value if isinstance(value, freeze) else cls(value),
            core_schema.any_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda frozen: frozen.unfreeze()
            ),
        )


def _json_for_sets(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(type(value).__name__)


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


__all__ = ["BaseAnnotation", "Quote", "allow_failure", "freeze", "opaque", "quote", "unmapped"]
