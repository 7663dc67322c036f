"""Type registries keyed by a string (Prefect's `utilities.dispatch`).

A base class registered with `register_base_type` gets a registry; its subclasses are
registered by `register_type` under their dispatch key (`__dispatch_key__()`, else their
`type` attribute) and found back with `lookup_type(base, key)`, as serializers are from
`{"type": "json"}`. Block types keep their own registry (`headrace.blocks.registry`),
which `get_registry_for_type(Block)` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T", bound=type)

_TYPE_REGISTRIES: dict[type, dict[str, type]] = {}
#: bases that keep their own registry (Block: headrace.blocks.registry), with the function
#: that registers a subclass there; they sit above this module and register themselves
_OWN_REGISTRIES: dict[type, tuple[dict[str, Any], Callable[[Any], Any]]] = {}


def register_own_registry(
    base: type, registry: dict[str, Any], register: Callable[[Any], Any]
) -> None:
    """Let `base` keep its subclasses in its own `registry`, filled by `register(cls)`."""
    _OWN_REGISTRIES[base] = (registry, register)


def get_registry_for_type(cls: type) -> dict[str, Any] | None:
    """The registry of `cls`'s registered base (a live dict), or None."""
    for base in cls.__mro__:
        if base in _TYPE_REGISTRIES:
            return _TYPE_REGISTRIES[base]
        if base in _OWN_REGISTRIES:
            return _OWN_REGISTRIES[base][0]
    return None


def get_dispatch_key(cls_or_instance: Any, allow_missing: bool = False) -> str | None:
    """The key a class (or an instance's class) is registered under."""
    cls = cls_or_instance if isinstance(cls_or_instance, type) else type(cls_or_instance)
    method = getattr(cls, "__dispatch_key__", None)
    key = method() if callable(method) else cls.__dict__.get("type", getattr(cls, "type", None))
    if isinstance(key, str):
        return key
    if allow_missing:
        return None
    raise ValueError(
        f"{cls.__name__} has no dispatch key: give it a `type` string or a "
        "`__dispatch_key__` classmethod"
    )


def register_base_type(cls: T) -> T:
    """Give `cls` a registry of its subclasses."""
    _TYPE_REGISTRIES.setdefault(cls, {})
    return cls


def register_type(cls: T) -> T:
    """Register `cls` under its dispatch key in its base's registry (Blocks: by slug)."""
    for base in cls.__mro__[1:]:
        if base in _OWN_REGISTRIES:
            _OWN_REGISTRIES[base][1](cls)
            return cls
    registry = get_registry_for_type(cls)
    if registry is None:
        raise ValueError(f"no registered base type for {cls.__name__}; use register_base_type")
    key = get_dispatch_key(cls, allow_missing=True)
    if key is not None:
        registry[key] = cls
    return cls


def lookup_type(cls: T, dispatch_key: str) -> T:
    """The subclass of `cls` registered under `dispatch_key`; KeyError if none."""
    registry = get_registry_for_type(cls)
    if registry is None or dispatch_key not in registry:
        known = ", ".join(sorted(registry or {}))
        raise KeyError(f"no {cls.__name__} type {dispatch_key!r} (known: {known})")
    return registry[dispatch_key]  # type: ignore[return-value]


__all__ = [
    "get_dispatch_key",
    "get_registry_for_type",
    "lookup_type",
    "register_base_type",
    "register_type",
]
