"""Expanding `Task.map` arguments into one call per element (shared by Task.map and
every task runner's `map`)."""

from __future__ import annotations

from typing import Any

from headrace.exceptions import MappingLengthMismatch, MappingMissingIterable
from headrace.futures import PrefectFuture
from headrace.states import State
from headrace.utilities.annotations import allow_failure, opaque, quote, unmapped


def _is_iterable(value: Any) -> bool:
    if isinstance(value, (str, bytes, bytearray)) or hasattr(value, "read"):
        return False
    try:
        iter(value)
    except TypeError:
        return False
    return True


def _top_level_result(value: PrefectFuture | State, lenient: bool) -> Any:
    if isinstance(value, PrefectFuture):
        value.wait()
        value = value.state
    if lenient:
        return value.result(raise_on_failure=False, _sync=True)
    return value.result(_sync=True)


def expand_map(bound: dict[str, Any], var_keyword: str | None = None) -> list[dict[str, Any]]:
    """One keyword dict per mapped call; raises on missing or mismatched iterables."""
    static: dict[str, Any] = {}
    iterables: dict[str, list[Any]] = {}
    annotations: dict[str, type] = {}
    if var_keyword is not None and var_keyword in bound:  # `**kwargs` map like named ones
        bound = {**bound}
        bound.update(bound.pop(var_keyword))
    for name, value in bound.items():
        if isinstance(value, unmapped):
            static[name] = value.unwrap()
            continue
        wrapper = None
        if isinstance(value, (allow_failure, opaque, quote)):
            wrapper, value = type(value), value.unwrap()
        if isinstance(value, (PrefectFuture, State)) and wrapper is not quote:
            # the top level is resolved to find what to map over; allow_failure passes
            # a failed upstream's exception on instead of raising it
            value = _top_level_result(value, lenient=wrapper is allow_failure)
        if _is_iterable(value):
            iterables[name] = list(value)
            if wrapper is not None:
                annotations[name] = wrapper
        else:
            static[name] = wrapper(value) if wrapper is not None else value
    if not iterables:
        raise MappingMissingIterable(
            "No iterable parameters were received. Parameters for map must include at least "
            "one iterable."
        )
    lengths = {name: len(values) for name, values in iterables.items()}
    if len(set(lengths.values())) > 1:
        raise MappingLengthMismatch(
            "Received iterable parameters with different lengths. Parameters for map must "
            f"all be the same length. Got lengths: {lengths}"
        )
    count = next(iter(lengths.values()))
    calls = []
    for index in range(count):
        call = dict(static)
        for name, values in iterables.items():
            item = values[index]
            call[name] = annotations[name](item) if name in annotations else item
        calls.append(call)
    return calls
