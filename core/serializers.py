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
from typing import Any, ClassVar

from headrace.utilities.dispatch import _TYPE_REGISTRIES


def _validation_error(title: str, field: str, value: Any, message: str) -> Exception:
    """A pydantic ValidationError (what Prefect's pydantic serializers raise); pydantic is
    imported only here, on the error path."""
    from pydantic_core import PydanticCustomError, ValidationError

    try:
        raise PydanticCustomError("value_error", message)
    except PydanticCustomError as error:
        return ValidationError.from_exception_data(
            title,
            [{"type": error, "loc": (field,), "input": value}],
        )


class Serializer:
    """Turns a result into bytes and back. Subclasses set `type` (the name users pass).

    `Serializer(type="json")` builds the serializer registered under that name; a
    subclass with a `type` registers itself, as in Prefect. Serializers compare by their
    settings and can be pydantic model fields (given as an instance, a name or a dict).
    """

    type: ClassVar[str]

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is Serializer:
            kind = kwargs.pop("type", None)
            if kind is None:
                raise TypeError("Serializer() needs type=..., e.g. Serializer(type='json')")
            target = _lookup(kind)
            if target is None:
                raise _validation_error(
                    "Serializer", "type", kind, f"unknown serializer type {kind!r}"
                )
            if isinstance(target, Serializer):
                return target
            instance = object.__new__(target)
            instance.__init__(*args, **kwargs)  # type: ignore[misc]
            return instance
        return object.__new__(cls)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("type", None)
        if kwargs:
            name = next(iter(kwargs))
            raise _validation_error(
                type(self).__name__, name, kwargs[name], "Extra inputs are not permitted"
            )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("type")
        if isinstance(kind, str):
            _REGISTRY[kind] = cls

    def dumps(self, value: Any) -> bytes:
        raise NotImplementedError

    def loads(self, blob: bytes) -> Any:
        raise NotImplementedError

    # -- settings, equality, pydantic -----------------------------------------------------
    def _settings(self) -> dict[str, Any]:
        """The constructor arguments that recreate this serializer (besides `type`)."""
        return {}

    def model_dump(self, **_: Any) -> dict[str, Any]:
        return {"type": self.type, **self._settings()}

    def model_dump_json(self, **_: Any) -> str:
        return json.dumps(self.model_dump())

    @classmethod
    def model_validate(cls, value: Any) -> Serializer:
        return serializer_from_dict(value) if isinstance(value, dict) else resolve_serializer(value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Serializer):
            return NotImplemented
        return type(self) is type(other) and self.model_dump() == other.model_dump()

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self._settings().items())
        return f"{type(self).__name__}({shown})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def validate(value: Any) -> Serializer:
            if isinstance(value, cls):
                return value
            serializer = cls.model_validate(value)
            if not isinstance(serializer, cls):
                raise ValueError(f"expected a {cls.__name__}, got {type(serializer).__name__}")
            return serializer

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value: value.model_dump()
            ),
        )


#: serializers by their `type` (Serializer subclasses add themselves); it is also the
#: registry `headrace.utilities.dispatch.get_registry_for_type(Serializer)` returns
_REGISTRY: dict[str, Any] = {}
_TYPE_REGISTRIES[Serializer] = _REGISTRY


class UnknownSerializer(Serializer):
    """The settings of a serializer this process does not know (read from a result's
    metadata): kept so the record can be inspected; loading its data is refused."""

    def __init__(self, **settings: Any) -> None:
        self.__dict__.update(settings)
        self._unknown = settings

    @property  # type: ignore[misc]
    def type(self) -> str:  # type: ignore[override]
        return self._unknown["type"]

    def _settings(self) -> dict[str, Any]:
        return {k: v for k, v in self._unknown.items() if k != "type"}

    def dumps(self, value: Any) -> bytes:
        raise ValueError(
            f"unknown result serializer {self.type!r}: install the plugin providing it"
        )

    loads = dumps  # type: ignore[assignment]


class PickleSerializer(Serializer):
    """cloudpickle out (lambdas, local classes), plain pickle in. `picklelib` names another
    module with `dumps` and `loads` (`"pickle"`, `"dill"`); its bytes are still pickles,
    so a reader knowing only the name `pickle` loads them."""

    type = "pickle"

    def __init__(
        self, picklelib: str = "cloudpickle", picklelib_version: str | None = None, **extra: Any
    ) -> None:
        super().__init__(**extra)
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

    def _settings(self) -> dict[str, Any]:
        return {"picklelib": self.picklelib}

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


_ENCODER = "headrace.serializers.prefect_json_object_encoder"
_DECODER = "headrace.serializers.prefect_json_object_decoder"


def _qualified_name(obj: Any) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def _from_qualified_name(name: str) -> Any:
    if "." not in name:
        raise ImportError(f"{name!r} is not a dotted path")
    from headrace.utilities.importtools import from_qualified_name

    return from_qualified_name(name)


def prefect_json_object_encoder(obj: Any) -> Any:
    """`json.dumps(default=...)` for values JSON lacks: exceptions become their type and
    message, streams a placeholder (never read), anything else `{"__class__", "data"}`
    with pydantic's JSON form of the value (bytes, UUIDs, dataclasses, models...)."""
    if isinstance(obj, BaseException):
        return {"__exc_type__": _qualified_name(type(obj)), "message": str(obj)}
    import io

    if isinstance(obj, io.IOBase):
        return {
            "__class__": _qualified_name(type(obj)),
            "data": (
                f"<Prefect IOStream Placeholder: type={type(obj).__name__}, "
                f"repr={obj!r} (original content not read)>"
            ),
        }
    from pydantic_core import to_jsonable_python

    cls = type(obj)
    origin = getattr(cls, "__pydantic_generic_metadata__", {}).get("origin")
    return {"__class__": _qualified_name(origin or cls), "data": to_jsonable_python(obj)}


_ADAPTERS: dict[str, Any] = {}


def prefect_json_object_decoder(value: dict[str, Any]) -> Any:
    """`json.loads(object_hook=...)` undoing `prefect_json_object_encoder`; a class that
    cannot be imported leaves the dict as it is, an exception type must be one."""
    if "__class__" in value:
        name = value["__class__"]
        adapter = _ADAPTERS.get(name)
        if adapter is None:
            try:
                cls = _from_qualified_name(name)
            except (ImportError, AttributeError):
                return value
            from pydantic import TypeAdapter

            adapter = _ADAPTERS[name] = TypeAdapter(cls)
        return adapter.validate_python(value["data"])
    if "__exc_type__" in value:
        try:
            exc_type = _from_qualified_name(value["__exc_type__"])
        except (ImportError, AttributeError):
            exc_type = None
        if not (isinstance(exc_type, type) and issubclass(exc_type, BaseException)):
            raise ValueError(f"Invalid exception type: {value['__exc_type__']!r}")
        return exc_type(value["message"])
    return value


class JSONSerializer(Serializer):
    """Human-readable results: JSON, extended to bytes, UUIDs, dataclasses, pydantic models
    and exceptions. `jsonlib` names another module with `dumps`/`loads` (e.g. orjson);
    `object_encoder`/`object_decoder` are dotted paths of the hooks."""

    type = "json"

    def __init__(
        self,
        jsonlib: str = "json",
        object_encoder: str | None = _ENCODER,
        object_decoder: str | None = _DECODER,
        dumps_kwargs: dict[str, Any] | None = None,
        loads_kwargs: dict[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(**extra)
        dumps_kwargs, loads_kwargs = dict(dumps_kwargs or {}), dict(loads_kwargs or {})
        if "default" in dumps_kwargs:
            raise _validation_error(
                "JSONSerializer",
                "dumps_kwargs",
                dumps_kwargs,
                "`default` cannot be provided. Use `object_encoder` instead.",
            )
        if "object_hook" in loads_kwargs:
            raise _validation_error(
                "JSONSerializer",
                "loads_kwargs",
                loads_kwargs,
                "`object_hook` cannot be provided. Use `object_decoder` instead.",
            )
        self.jsonlib = jsonlib
        self.object_encoder = object_encoder
        self.object_decoder = object_decoder
        self.dumps_kwargs = dumps_kwargs
        self.loads_kwargs = loads_kwargs

    def _settings(self) -> dict[str, Any]:
        return {
            "jsonlib": self.jsonlib,
            "object_encoder": self.object_encoder,
            "object_decoder": self.object_decoder,
            "dumps_kwargs": self.dumps_kwargs,
            "loads_kwargs": self.loads_kwargs,
        }

    def __repr__(self) -> str:
        if self.jsonlib == "json" and not (self.dumps_kwargs or self.loads_kwargs):
            return "JSONSerializer()"
        return super().__repr__()

    def _lib(self) -> Any:
        return json if self.jsonlib == "json" else importlib.import_module(self.jsonlib)

    def dumps(self, value: Any) -> bytes:
        kwargs = dict(self.dumps_kwargs)
        if self.object_encoder:
            kwargs["default"] = _from_qualified_name(self.object_encoder)
        out = self._lib().dumps(value, **kwargs)
        return out.encode() if isinstance(out, str) else out

    def loads(self, blob: bytes) -> Any:
        kwargs = dict(self.loads_kwargs)
        if self.object_decoder:
            kwargs["object_hook"] = _from_qualified_name(self.object_decoder)
        text = blob.decode() if isinstance(blob, (bytes, bytearray)) else blob
        return self._lib().loads(text, **kwargs)


class CompressedSerializer(Serializer):
    """Another serializer's bytes, compressed with `compressionlib` (any importable module
    with `compress` and `decompress`, such as lzma, zlib or bz2)."""

    def __init__(
        self,
        serializer: str | Serializer | dict[str, Any] = "pickle",
        compressionlib: str = "lzma",
        **extra: Any,
    ) -> None:
        super().__init__(**extra)
        self.serializer = (
            serializer_from_dict(serializer)
            if isinstance(serializer, dict)
            else resolve_serializer(serializer)
        )
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

    def _settings(self) -> dict[str, Any]:
        return {"serializer": self.serializer.model_dump(), "compressionlib": self.compressionlib}

    def model_dump(self, **_: Any) -> dict[str, Any]:
        kind = "compressed" if type(self) is CompressedSerializer else self.type
        return {"type": kind, **self._settings()}

    def dumps(self, value: Any) -> bytes:
        # looked up on each call, so a patched `zlib.compress` is seen (as in Prefect)
        lib = importlib.import_module(self.compressionlib)
        return lib.compress(self.serializer.dumps(value))

    def loads(self, blob: bytes) -> Any:
        lib = importlib.import_module(self.compressionlib)
        return self.serializer.loads(lib.decompress(blob))

    def __repr__(self) -> str:
        return (
            f"CompressedSerializer(serializer={self.serializer!r}, "
            f"compressionlib={self.compressionlib!r})"
        )


class CompressedPickleSerializer(CompressedSerializer):
    """Pickle, zlib-compressed: for large, repetitive results."""

    type = "compressed/pickle"

    def __init__(
        self, serializer: Any = "pickle", compressionlib: str = "zlib", **extra: Any
    ) -> None:
        super().__init__(serializer, compressionlib, **extra)


class CompressedJSONSerializer(CompressedSerializer):
    """JSON, zlib-compressed."""

    type = "compressed/json"

    def __init__(
        self, serializer: Any = "json", compressionlib: str = "zlib", **extra: Any
    ) -> None:
        super().__init__(serializer, compressionlib, **extra)


_REGISTRY["compressed"] = CompressedSerializer
_BUILTIN = {
    cls.type: cls
    for cls in (
        PickleSerializer,
        JSONSerializer,
        CompressedPickleSerializer,
        CompressedJSONSerializer,
    )
}


def _lookup(name: str) -> Any:
    """The class registered under `name`, or a ready instance for a `compressed/<inner>`
    name; None if unknown."""
    if name in _REGISTRY:
        return _REGISTRY[name]
    if name.startswith("compressed/"):
        inner, _, lib = name.removeprefix("compressed/").partition("?compressionlib=")
        return CompressedSerializer(inner, lib or "zlib")
    return None


def serializer_from_dict(settings: dict[str, Any]) -> Serializer:
    """A serializer from its `model_dump()`: a known type must accept its settings
    (ValidationError otherwise); an unknown one becomes an `UnknownSerializer`."""
    settings = dict(settings)
    kind = settings.get("type")
    if not isinstance(kind, str):
        raise _validation_error("Serializer", "type", kind, "a serializer needs a type")
    target = _lookup(kind)
    if target is None:
        try:
            return resolve_serializer(kind)
        except ValueError:
            return UnknownSerializer(**settings)
    if isinstance(target, Serializer):
        return target
    settings.pop("type")
    try:
        return target(**settings)
    except (TypeError, ValueError) as exc:
        if exc.__class__.__name__ == "ValidationError":
            raise
        raise _validation_error(target.__name__, "type", kind, str(exc)) from None


def resolve_serializer(value: str | Serializer | None) -> Serializer:
    """A serializer instance from a name, an instance, or None (the default, pickle)."""
    if value is None:
        return PickleSerializer()
    if isinstance(value, Serializer):
        return value
    if isinstance(value, dict):
        return serializer_from_dict(value)
    if not isinstance(value, str):
        raise TypeError(
            "Result serializer must be one of the following types: 'Serializer', "
            f"'str'. Got unsupported type {type(value).__name__!r}."
        )
    found = _lookup(value)
    if found is not None:
        return found if isinstance(found, Serializer) else found()
    # deferred: the plugin manager (pluggy, every plugin) only for a name not built in
    from headrace.plugins.manager import collect

    for cls in collect("register_result_serializers"):
        if getattr(cls, "type", None) == value:
            return cls()
    known = sorted({*_BUILTIN, *(c.type for c in collect("register_result_serializers"))})
    raise ValueError(f"unknown result serializer {value!r}; known: {', '.join(known)}")


__all__ = [
    "CompressedJSONSerializer",
    "CompressedPickleSerializer",
    "CompressedSerializer",
    "JSONSerializer",
    "PickleSerializer",
    "Serializer",
    "prefect_json_object_decoder",
    "prefect_json_object_encoder",
    "resolve_serializer",
]
