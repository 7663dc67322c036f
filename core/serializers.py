"""Result serializers (`result_serializer="pickle" | "json" | "compressed/pickle"`).

The built-ins register through the `register_result_serializers` hook, like a plugin's
(see `headrace.builtins.execution`).
"""

from __future__ import annotations

import json
import pickle
import zlib
from typing import Any, ClassVar


class Serializer:
    """Turns a result into bytes and back. Subclasses set `type` (the name users pass)."""

    type: ClassVar[str]

    def dumps(self, value: Any) -> bytes:
        raise NotImplementedError

    def loads(self, blob: bytes) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class PickleSerializer(Serializer):
    """cloudpickle out (lambdas, local classes), plain pickle in."""

    type = "pickle"

    def dumps(self, value: Any) -> bytes:
        import cloudpickle

        return cloudpickle.dumps(value)

    def loads(self, blob: bytes) -> Any:
        return pickle.loads(blob)


class JSONSerializer(Serializer):
    """Human-readable results for JSON-able values."""

    type = "json"

    def dumps(self, value: Any) -> bytes:
        return json.dumps(value).encode()

    def loads(self, blob: bytes) -> Any:
        return json.loads(blob)


class CompressedPickleSerializer(PickleSerializer):
    """Pickle, zlib-compressed: for large, repetitive results."""

    type = "compressed/pickle"

    def dumps(self, value: Any) -> bytes:
        return zlib.compress(super().dumps(value))

    def loads(self, blob: bytes) -> Any:
        return super().loads(zlib.decompress(blob))


_BUILTIN = {cls.type: cls for cls in (PickleSerializer, JSONSerializer, CompressedPickleSerializer)}


def resolve_serializer(value: str | Serializer | None) -> Serializer:
    """A serializer instance from a name, an instance, or None (the default, pickle)."""
    if value is None:
        return PickleSerializer()
    if isinstance(value, Serializer):
        return value
    if value in _BUILTIN:
        return _BUILTIN[value]()
    # deferred: the plugin manager (pluggy, every plugin) only for a name not built in
    from headrace.plugins.manager import collect

    for cls in collect("register_result_serializers"):
        if getattr(cls, "type", None) == value:
            return cls()
    known = sorted({*_BUILTIN, *(c.type for c in collect("register_result_serializers"))})
    raise ValueError(f"unknown result serializer {value!r}; known: {', '.join(known)}")
