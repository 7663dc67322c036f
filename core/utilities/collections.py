"""Collection helpers Prefect users and plugin authors import from
`prefect.utilities.collections`: walking nested data (`visit_collection`), flat and
nested dicts, iterables, and the argument annotations re-exported from their old home.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import itertools
import sys
import types
from collections.abc import Callable, Collection, Generator, Hashable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar

from headrace.utilities.annotations import BaseAnnotation, Quote, opaque, quote

T = TypeVar("T")
KT = TypeVar("KT")
VT = TypeVar("VT")

#: a dict whose values may be dicts of the same kind
NestedDict = dict


class AutoEnum(str, enum.Enum):
    """A str enum whose members' values are their names (`RED = AutoEnum.auto()`)."""

    @staticmethod
    def _generate_next_value_(name: str, *_: object, **__: object) -> str:
        return name

    @staticmethod
    def auto() -> str:
        return enum.auto()  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.value}"


def dict_to_flatdict(dct: dict[Any, Any]) -> dict[tuple[Any, ...], Any]:
    """`{"a": {"b": 1}}` -> `{("a", "b"): 1}` (empty dicts stay values)."""
    flat: dict[tuple[Any, ...], Any] = type(dct)()

    def walk(node: dict[Any, Any], prefix: tuple[Any, ...]) -> None:
        for key, value in node.items():
            if isinstance(value, dict) and value:
                walk(value, (*prefix, key))
            else:
                flat[(*prefix, key)] = value

    walk(dct, ())
    return flat


def flatdict_to_dict(dct: dict[tuple[Any, ...], Any]) -> dict[Any, Any]:
    """The inverse of `dict_to_flatdict`; the nested dicts have the input's type."""
    kind = type(dct)
    nested: dict[Any, Any] = kind()
    for path, value in dct.items():
        node = nested
        for key in path[:-1]:
            node = node.setdefault(key, kind())
        node[path[-1]] = value
    return nested


def isiterable(obj: Any) -> bool:
    """True for iterables other than strings, bytes and open files (which users pass
    whole)."""
    if isinstance(obj, (str, bytes, io.IOBase)):
        return False
    try:
        iter(obj)
    except TypeError:
        return False
    return True


def ensure_iterable(obj: T | Iterable[T]) -> Collection[T]:
    """Sequences and sets as they are; anything else as a one-item list."""
    from collections.abc import Sequence

    if isinstance(obj, (Sequence, AbstractSet)):
        return obj  # type: ignore[return-value]
    return [obj]  # type: ignore[list-item]


def listrepr(objs: Iterable[Any], sep: str = " ") -> str:
    return sep.join(repr(obj) for obj in objs)


def extract_instances(
    objects: Iterable[Any], types: type[T] | tuple[type[T], ...] = object
) -> list[T] | dict[type[T], list[T]]:
    """The objects of one type as a list, or of several types as `{type: [objects]}`."""
    wanted = ensure_iterable(types)
    found: dict[Any, list[Any]] = {}
    for obj in objects:
        for kind in wanted:
            if isinstance(obj, kind):
                found.setdefault(kind, []).append(obj)
    if len(wanted) == 1:
        return found.get(next(iter(wanted)), [])
    return found


def batched_iterable(iterable: Iterable[T], size: int) -> Generator[tuple[T, ...], None, None]:
    """Tuples of `size` items (the last one shorter)."""
    items = iter(iterable)
    while batch := tuple(itertools.islice(items, size)):
        yield batch


class StopVisiting(BaseException):
    """Raised by a `visit_collection` visitor: do not descend into this expression."""


def visit_collection(
    expr: Any,
    visit_fn: Callable[[Any], Any] | Callable[[Any, dict[str, Any]], Any],
    *,
    return_data: bool = False,
    max_depth: int = -1,
    context: dict[str, Any] | None = None,
    remove_annotations: bool = False,
    _seen: dict[int, Any] | None = None,
) -> Any:
    """Call `visit_fn` on `expr` and, recursively, on everything inside lists, tuples,
    sets, dicts (keys too), dataclasses, pydantic models and annotations.

    With `return_data=True` the result is `expr` with each item replaced by what
    `visit_fn` returned; a container is copied only if something in it changed, so an
    untouched value comes back as the same object. `max_depth` limits the descent (0:
    `expr` only); `context` (a dict) is passed to a two-argument `visit_fn`, copied per
    level, with the enclosing annotation under "annotation". A visitor raising
    `StopVisiting` keeps the expression and stops the descent below it. Generators and
    mocks are not entered; cycles are visited once.
    """
    seen: dict[int, Any] = {} if _seen is None else _seen
    if context is not None:

        def call(item: Any, ctx: dict[str, Any] | None) -> Any:
            return visit_fn(item, ctx)  # type: ignore[call-arg]

    else:

        def call(item: Any, ctx: dict[str, Any] | None) -> Any:
            return visit_fn(item)  # type: ignore[call-arg]

    return _visit(expr, call, return_data, max_depth, context, remove_annotations, seen)


def _visit(
    expr: Any,
    call: Callable[[Any, dict[str, Any] | None], Any],
    return_data: bool,
    depth: int,
    context: dict[str, Any] | None,
    remove_annotations: bool,
    seen: dict[int, Any],
) -> Any:
    try:
        result = call(expr, context)
    except StopVisiting:
        return expr if return_data else None
    if return_data:
        expr = result
    if depth == 0:
        return result if return_data else None
    key = id(expr)
    if key in seen:
        return seen[key] if return_data else None
    seen[key] = expr

    def nested(item: Any, ctx: dict[str, Any] | None = None) -> Any:
        if ctx is None and context is not None:
            ctx = context.copy()
        return _visit(item, call, return_data, depth - 1, ctx, remove_annotations, seen)

    out = expr
    if _opaque_container(expr):
        pass
    elif isinstance(expr, BaseAnnotation):
        inner_ctx = None
        if context is not None:
            context["annotation"] = expr
            inner_ctx = context.copy()
        inner = expr.unwrap()
        if isinstance(expr, opaque):  # its value is visited, never entered
            try:
                value = call(inner, inner_ctx)
            except StopVisiting:
                value = inner
        else:
            value = nested(inner, inner_ctx)
        if return_data:
            if remove_annotations:
                out = value
            elif value is not inner:
                out = expr.rewrap(value)
    elif isinstance(expr, (list, tuple, set, frozenset)):
        items = [nested(item) for item in expr]
        if return_data and any(new is not old for new, old in zip(items, expr, strict=True)):
            kind = type(expr)
            out = kind._make(items) if hasattr(kind, "_make") else kind(items)
    elif isinstance(expr, dict):
        pairs = [(nested(k), nested(v)) for k, v in expr.items()]
        if return_data and any(
            nk is not k or nv is not v for (nk, nv), (k, v) in zip(pairs, expr.items(), strict=True)
        ):
            out = type(expr)(pairs)
    elif dataclasses.is_dataclass(expr) and not isinstance(expr, type):
        fields = dataclasses.fields(expr)
        values = [nested(getattr(expr, field.name)) for field in fields]
        if return_data and any(
            value is not getattr(expr, field.name)
            for field, value in zip(fields, values, strict=True)
        ):
            out = dataclasses.replace(
                expr,
                **{
                    field.name: value
                    for field, value in zip(fields, values, strict=True)
                    if field.init
                },
            )
    elif _is_pydantic_model(expr):
        data = dict(expr)
        updated = {name: nested(value) for name, value in data.items()}
        if return_data and any(updated[name] is not data[name] for name in data):
            copy = expr.model_construct(_fields_set=expr.model_fields_set, **updated)
            for name in getattr(expr, "__private_attributes__", {}):
                setattr(copy, name, getattr(expr, name))
            out = copy
    if return_data:
        seen[key] = out
        return out
    return None


def _opaque_container(expr: Any) -> bool:
    """Generators (visiting would consume them) and mocks (they fake every attribute)."""
    if isinstance(expr, (types.GeneratorType, types.AsyncGeneratorType)):
        return True
    mock = sys.modules.get("unittest.mock")
    return mock is not None and isinstance(expr, mock.Mock)


def _is_pydantic_model(expr: Any) -> bool:
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(expr, pydantic.BaseModel)


def remove_nested_keys(keys_to_remove: list[Hashable], obj: Any) -> Any:
    """A copy of a (nested) dict without the given keys at any level; non-dicts as-is."""
    if not isinstance(obj, dict):
        return obj
    return {
        key: remove_nested_keys(keys_to_remove, value)
        for key, value in obj.items()
        if key not in keys_to_remove
    }


def distinct(iterable: Iterable[T], key: Callable[[T], Hashable] | None = None) -> Iterator[T]:
    """The items in order, each (or each `key(item)`) once."""
    seen: set[Hashable] = set()
    for item in iterable:
        marker = key(item) if key is not None else item
        if marker in seen:
            continue
        seen.add(marker)
        yield item


def _path(keys: str | list[Any]) -> list[Any]:
    if isinstance(keys, str):
        return keys.replace("[", ".").replace("]", "").split(".")
    return list(keys)


def get_from_dict(dct: dict[Any, Any], keys: str | list[Any], default: Any = None) -> Any:
    """`get_from_dict(d, "a.b[1].c")`: the value at a path of keys and list indices, or
    `default` where the path does not exist."""
    value: Any = dct
    try:
        for key in _path(keys):
            if isinstance(key, str) and key.lstrip("-").isdigit():
                key = int(key)
            value = value[key]
    except (TypeError, KeyError, IndexError):
        return default
    return value


def set_in_dict(dct: dict[Any, Any], keys: str | list[Any], value: Any) -> None:
    """Set the value at a dotted path, creating the dicts on the way; a non-dict on the
    way is a TypeError."""
    path = _path(keys)
    node = dct
    for key in path[:-1]:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise TypeError(f"Key path exists and contains a non-dict value: {path}")
        node = child
    node[path[-1]] = value


def deep_merge(dct: dict[Any, Any], merge: dict[Any, Any]) -> dict[Any, Any]:
    """A new dict: `dct` with `merge` merged in, nested dicts merged key by key."""
    merged = dct.copy()
    for key, value in merge.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def deep_merge_dicts(*dicts: dict[Any, Any]) -> dict[Any, Any]:
    """`deep_merge` of several dicts, later ones winning."""
    merged: dict[Any, Any] = {}
    for dct in dicts:
        merged = deep_merge(merged, dct)
    return merged


__all__ = [
    "AutoEnum",
    "BaseAnnotation",
    "NestedDict",
    "Quote",
    "StopVisiting",
    "batched_iterable",
    "deep_merge",
    "deep_merge_dicts",
    "dict_to_flatdict",
    "distinct",
    "ensure_iterable",
    "extract_instances",
    "flatdict_to_dict",
    "get_from_dict",
    "isiterable",
    "listrepr",
    "opaque",
    "quote",
    "remove_nested_keys",
    "set_in_dict",
    "visit_collection",
]
