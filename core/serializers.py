"""Result serializers (`result_serializer="pickle" | "json" | "compressed/pickle"`).

`CompressedSerializer(serializer, compressionlib="lzma")` wraps any of them; its name in a
result file's header (`compressed/json?compressionlib=lzma`) is enough to read it back.

The built-ins register through the `register_result_serializers` hook, like a plugin's
(see `headrace.builtins.execution`).
"""

from __future__ import annotations

import importlib
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
    """cloudpickle out (lambdas, local classes), plain pickle in. `picklelib` names another
    module with `dumps` and `loads` (`"pickle"`, `"dill"`); its bytes are still pickles,
    so a reader knowing only the name `pickle` loads them."""

    type = "pickle"

    def __init__(self, picklelib: str = "cloudpickle") -> None:
        if not isinstance(picklelib, str):
            raise ValueError(
                f"picklelib must name a module, not a {type(picklelib).__name__} object"
            )
        self.picklelib = picklelib
        # cloudpickle, the default, is imported on first use: it is slow to import
        self._lib: Any = None if picklelib == "cloudpickle" else _pickle_module(picklelib)

    def dumps(self, value: Any) -> bytes:
        if self._lib is None:
            import cloudpickle

            return cloudpickle.dumps(value)
        return self._lib.dumps(value)

    def loads(self, blob: bytes) -> Any:
        return (self._lib or pickle).loads(blob)

    def __repr__(self) -> str:
        if self.picklelib == "cloudpickle":
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}(picklelib={self.picklelib!r})"


def _pickle_module(name: str) -> Any:
    try:
        lib = importlib.import_module(name)
    except ImportError:
        raise ValueError(f"Failed to import requested pickle library: {name!r}.") from None
    for method in ("dumps", "loads"):
        if not callable(getattr(lib, method, None)):
            raise ValueError(f"Pickle library at {name!r} does not have a {method!r} method.")
    return lib


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


class CompressedSerializer(Serializer):
    """Another serializer's bytes, compressed with `compressionlib` (any importable module
    with `compress` and `decompress`, such as lzma, zlib or bz2)."""

    def __init__(self, serializer: str | Serializer, compressionlib: str = "lzma") -> None:
        self.serializer = resolve_serializer(serializer)
        self.compressionlib = compressionlib
        try:
            lib = importlib.import_module(compressionlib)
        except ImportError:
            lib = None
        if not (
            callable(getattr(lib, "compress", None)) and callable(getattr(lib, "decompress", None))
        ):
            raise ValueError(
                f"compressionlib {compressionlib!r} is not an importable module with "
                "compress() and decompress()"
            )
        self._lib = lib

    @property
    def type(self) -> str:  # type: ignore[override]
        """The name written to result headers; `resolve_serializer` turns it back into self."""
        name = f"compressed/{self.serializer.type}"
        return (
            name
            if self.compressionlib == "zlib"
            else f"{name}?compressionlib={self.compressionlib}"
        )

    def dumps(self, value: Any) -> bytes:
        return self._lib.compress(self.serializer.dumps(value))

    def loads(self, blob: bytes) -> Any:
        return self.serializer.loads(self._lib.decompress(blob))

    def __repr__(self) -> str:
        return (
            f"CompressedSerializer(serializer={self.serializer!r}, "
            f"compressionlib={self.compressionlib!r})"
        )


_BUILTIN = {cls.type: cls for cls in (PickleSerializer, JSONSerializer, CompressedPickleSerializer)}


def resolve_serializer(value: str | Serializer | None) -> Serializer:
    """A serializer instance from a name, an instance, or None (the default, pickle)."""
    if value is None:
        return PickleSerializer()
    if isinstance(value, Serializer):
        return value
    if value in _BUILTIN:
        return _BUILTIN[value]()
    if value.startswith("compressed/"):
        inner, _, lib = value.removeprefix("compressed/").partition("?compressionlib=")
        return CompressedSerializer(inner, lib or "zlib")
    # deferred: the plugin manager (pluggy, every plugin) only for a name not built in
    from headrace.plugins.manager import collect

    for cls in collect("register_result_serializers"):
        if getattr(cls, "type", None) == value:
            return cls()
    known = sorted({*_BUILTIN, *(c.type for c in collect("register_result_serializers"))})
    raise ValueError(f"unknown result serializer {value!r}; known: {', '.join(known)}")
