"""Binding call arguments to a function's parameters and back, parameter validation, and
(from `_parameter_schema`, loaded on first use: it needs pydantic) parameter schemas."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from headrace.exceptions import ParameterBindError, ParameterTypeError


class Signature:
    """A function's signature, analysed once: binding is on every task call's path."""

    __slots__ = (
        "signature",
        "simple",
        "var_positional",
        "var_keyword",
        "positional_only",
        "_names",
        "_name_set",
        "_defaults",
        "_function",
    )

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.signature = inspect.signature(fn)
        self._function = fn
        params = self.signature.parameters.values()
        self.var_positional = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)
        self.var_keyword = next((p.name for p in params if p.kind is p.VAR_KEYWORD), None)
        self.positional_only = [p.name for p in params if p.kind is p.POSITIONAL_ONLY]
        self.simple = not (self.var_positional or self.var_keyword or self.positional_only)
        self._names = tuple(self.signature.parameters)
        self._name_set = frozenset(self._names)
        self._defaults = {
            p.name: p.default for p in params if p.default is not inspect.Parameter.empty
        }

    @property
    def names(self) -> list[str]:
        return list(self.signature.parameters)

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Parameters by name, defaults applied (Prefect's `get_call_parameters`)."""
        if self.simple and len(args) <= len(self._names):
            # fast path for plain signatures; anything unusual goes through inspect
            bound = dict(zip(self._names, args, strict=False))
            if kwargs:
                if not bound.keys().isdisjoint(kwargs) or not self._name_set.issuperset(kwargs):
                    return self._bind_slow(args, kwargs)
                bound.update(kwargs)
            if len(bound) < len(self._names):
                for name in self._names:
                    if name not in bound:
                        if name not in self._defaults:
                            return self._bind_slow(args, kwargs)
                        bound[name] = self._defaults[name]
            if len(bound) == len(self._names):
                return {name: bound[name] for name in self._names} if kwargs else bound
        return self._bind_slow(args, kwargs)

    def _bind_slow(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise ParameterBindError.from_bind_failure(self._function, exc, args, kwargs) from None
        bound.apply_defaults()
        return bound.arguments

    def to_call(self, parameters: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """`(args, kwargs)` that call the function with these parameters."""
        if self.simple:
            return (), parameters
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for name, param in self.signature.parameters.items():
            if name not in parameters:
                continue
            value = parameters[name]
            if param.kind is param.POSITIONAL_ONLY:
                args.append(value)
            elif param.kind is param.VAR_POSITIONAL:
                args.extend(value)
            elif param.kind is param.VAR_KEYWORD:
                kwargs.update(value)
            elif param.kind is param.POSITIONAL_OR_KEYWORD and self.var_positional:
                args.append(value)
            else:
                kwargs[name] = value
        return tuple(args), kwargs


#: annotations whose values can be checked with `type(value) is cls`, without pydantic
_PLAIN_TYPES = (int, float, str, bool, bytes, list, dict, tuple, set)
_ANYTHING = object()


class ParameterValidator:
    """Coerces flow parameters to their annotations with pydantic.

    pydantic (and the model built from the signature) is only needed when a value is not
    already of its plain annotated type: a flow called with well-typed arguments, or
    without parameters, never imports it. That keeps a cold first flow run fast.
    """

    def __init__(self, fn: Callable[..., Any], signature: Signature) -> None:
        self.fn = fn
        self.signature = signature
        self._model: Any = None
        self._plain: dict[str, Any] | None = None
        self._secret_names: frozenset[str] | None = None

    def _plain_checks(self) -> dict[str, Any]:
        """Per parameter: a plain class to compare with, `_ANYTHING`, or None (complex)."""
        if self._plain is None:
            try:
                hints = _resolved_hints(self.fn)
            except Exception:
                hints = {}
            checks: dict[str, Any] = {}
            for name, param in self.signature.signature.parameters.items():
                annotation = hints.get(name, param.annotation)
                if annotation is param.empty or annotation is Any:
                    checks[name] = _ANYTHING
                elif annotation in _PLAIN_TYPES:
                    checks[name] = annotation
                else:
                    checks[name] = None
            self._plain = checks
        return self._plain

    def secret_names(self) -> frozenset[str]:
        """Parameters annotated with a secret type, masked in run records whatever their
        value (plain annotations are never secret, so those flows never import pydantic)."""
        if self._secret_names is None:
            complex_names = [name for name, check in self._plain_checks().items() if check is None]
            names: frozenset[str] = frozenset()
            if complex_names:
                from headrace.secrets import is_secret_annotation

                try:
                    hints = _resolved_hints(self.fn)
                except Exception:
                    hints = {}
                parameters = self.signature.signature.parameters
                names = frozenset(
                    name
                    for name in complex_names
                    if is_secret_annotation(hints.get(name, parameters[name].annotation))
                )
            self._secret_names = names
        return self._secret_names

    def _already_valid(self, parameters: dict[str, Any]) -> bool:
        checks = self._plain_checks()
        defaults = self.signature._defaults
        for name, value in parameters.items():
            check = checks.get(name)
            if check is _ANYTHING or (name in defaults and value is defaults[name]):
                continue
            if check is None or type(value) is not check:
                return False
        return True

    def _build(self) -> Any:
        import pydantic

        fields: dict[str, Any] = {}
        for name, param in self.signature.signature.parameters.items():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            annotation = Any if param.annotation is param.empty else param.annotation
            default = ... if param.default is param.empty else param.default
            fields[name] = (annotation, default)
        try:
            hints = _resolved_hints(self.fn)
        except Exception:
            hints = {}
        for name, hint in hints.items():
            if name in fields:
                fields[name] = (hint, fields[name][1])
        return pydantic.create_model(
            f"{getattr(self.fn, '__name__', 'flow')}_parameters",
            __config__=pydantic.ConfigDict(arbitrary_types_allowed=True),
            **fields,
        )

    def validate(self, parameters: dict[str, Any]) -> dict[str, Any]:
        if self._already_valid(parameters):
            return parameters
        import pydantic

        if self._model is None:
            self._model = self._build()
        plain = {
            name: value for name, value in parameters.items() if name in self._model.model_fields
        }
        try:
            model = self._model.model_validate(plain)
        except pydantic.ValidationError as exc:
            raise ParameterTypeError.from_validation_error(exc) from None
        validated = dict(parameters)
        for name in plain:
            validated[name] = getattr(model, name)
        return validated


def _resolved_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    import typing

    hints = typing.get_type_hints(fn)
    hints.pop("return", None)
    return hints


def hook_list(hooks: Any, option: str, decorator: str) -> list[Callable[..., Any]]:
    """The hooks given for `option` of `@flow`/`@task`, checked now rather than when a run
    ends (a typo'd hook would otherwise surface only as a failed hook at run time)."""
    if hooks is None:
        return []
    example = f"\n\n@{decorator}({option}=[hook1, hook2])\ndef my_{decorator}():\n\tpass"
    try:
        checked = list(hooks)
    except TypeError:
        raise TypeError(
            f"Expected iterable for '{option}'; got {type(hooks).__name__} instead. "
            f"Please provide a list of hooks to '{option}':{example}"
        ) from None
    for hook in checked:
        if not callable(hook):
            raise TypeError(
                f"Expected callables in '{option}'; got {type(hook).__name__} instead. "
                f"Please provide a list of hooks to '{option}':{example}"
            )
    return checked


# -- Prefect's public helpers over call parameters (plugin and library authors use them) --


def get_call_parameters(
    fn: Callable[..., Any],
    call_args: tuple[Any, ...],
    call_kwargs: dict[str, Any],
    apply_defaults: bool = True,
) -> dict[str, Any]:
    """The parameters a call would bind, by name (`*args` as a tuple, `**kwargs` as a
    dict); ParameterBindError if the arguments do not fit the signature."""
    try:
        bound = inspect.signature(fn).bind(*call_args, **call_kwargs)
    except TypeError as exc:
        raise ParameterBindError.from_bind_failure(fn, exc, call_args, call_kwargs) from None
    if apply_defaults:
        bound.apply_defaults()
    return dict(bound.arguments)


def get_parameter_defaults(fn: Callable[..., Any]) -> dict[str, Any]:
    """Each parameter that has a default, with it."""
    return {
        name: param.default
        for name, param in inspect.signature(fn).parameters.items()
        if param.default is not param.empty
    }


def _var_keyword_name(fn: Callable[..., Any]) -> str | None:
    parameters = inspect.signature(fn).parameters.values()
    return next((p.name for p in parameters if p.kind is p.VAR_KEYWORD), None)


def explode_variadic_parameter(
    fn: Callable[..., Any], parameters: dict[str, Any]
) -> dict[str, Any]:
    """Spread the `**kwargs` entry of `parameters` into top-level names."""
    name = _var_keyword_name(fn)
    if name is None or name not in parameters:
        return parameters
    exploded = {key: value for key, value in parameters.items() if key != name}
    exploded.update(parameters[name])
    return exploded


def collapse_variadic_parameters(
    fn: Callable[..., Any], parameters: dict[str, Any]
) -> dict[str, Any]:
    """Gather the names `fn` does not declare into its `**kwargs` entry; ValueError if it
    has none to take them."""
    declared = inspect.signature(fn).parameters
    extra = {key: value for key, value in parameters.items() if key not in declared}
    if not extra:
        return parameters
    name = _var_keyword_name(fn)
    if name is None:
        raise ValueError(
            f"Function {getattr(fn, '__name__', fn)!r} takes no **kwargs but was given "
            f"parameters {sorted(extra)} it does not declare."
        )
    collapsed = {key: value for key, value in parameters.items() if key in declared}
    collapsed[name] = extra
    return collapsed


def _wrapper_slots(fn: Callable[..., Any]) -> float | None:
    """How many arguments the outermost wrapper of a `functools.wraps` chain takes by
    position (infinite for a wrapper taking only `*args`); None when nothing wraps `fn`."""
    import functools

    target = fn.func if isinstance(fn, functools.partial) else fn
    if not hasattr(target, "__wrapped__"):
        return None
    outer = inspect.signature(target, follow_wrapped=False).parameters.values()
    if all(p.kind is p.VAR_POSITIONAL for p in outer):
        return math.inf
    named = [p for p in outer if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    already = len(fn.args) if isinstance(fn, functools.partial) else 0
    return max(0, len(named) - already)


def parameters_to_args_kwargs(
    fn: Callable[..., Any], parameters: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """`(args, kwargs)` that call `fn` with these parameters: required parameters by
    position, defaulted ones by keyword (so a `**kwargs` wrapper passes them on), the
    slots of a `functools.wraps` wrapper respected; TypeError for a name given both
    directly and inside `**kwargs`."""
    signature = inspect.signature(fn)
    params = list(signature.parameters.values())
    has_var_positional = any(p.kind is p.VAR_POSITIONAL for p in params)
    slots = _wrapper_slots(fn)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    by_position = True
    for param in params:
        if param.name not in parameters:
            if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
                by_position = False  # a gap: later ones can only go by keyword
            continue
        value = parameters[param.name]
        if param.kind is param.VAR_POSITIONAL:
            args.extend(value)
        elif param.kind is param.VAR_KEYWORD:
            for key, item in value.items():
                clash = signature.parameters.get(key)
                if key in kwargs or (
                    clash is not None
                    and clash.kind is not clash.POSITIONAL_ONLY
                    and key in parameters
                ):
                    name = getattr(fn, "__name__", type(fn).__name__)
                    raise TypeError(f"{name}() got multiple values for argument {key!r}")
                kwargs[key] = item
        elif param.kind is param.KEYWORD_ONLY:
            kwargs[param.name] = value
        elif param.kind is param.POSITIONAL_ONLY:
            args.append(value)
        else:
            positional = by_position and (
                has_var_positional
                or slots == math.inf
                or (param.default is param.empty and (slots is None or len(args) < slots))
            )
            if positional:
                args.append(value)
            else:
                by_position = False
                kwargs[param.name] = value
    return tuple(args), kwargs


def call_with_parameters(fn: Callable[..., Any], parameters: dict[str, Any]) -> Any:
    """Call `fn` with parameters by name (see `parameters_to_args_kwargs`)."""
    args, kwargs = parameters_to_args_kwargs(fn, parameters)
    return fn(*args, **kwargs)


def raise_for_reserved_arguments(fn: Callable[..., Any], reserved_arguments: Any) -> None:
    """ReservedArgumentError if `fn` has a parameter named like one of `reserved_arguments`."""
    from headrace.exceptions import ReservedArgumentError

    names = inspect.signature(fn).parameters
    for argument in reserved_arguments:
        if argument in names:
            raise ReservedArgumentError(
                f"{argument!r} is a reserved argument name and cannot be used."
            )


_SCHEMA_NAMES = frozenset(
    {
        "ParameterSchema",
        "generate_parameter_schema",
        "parameter_docstrings",
        "parameter_schema",
        "parameter_schema_from_entrypoint",
    }
)


def __getattr__(name: str) -> Any:
    if name in _SCHEMA_NAMES:
        from headrace.utilities import _parameter_schema

        return getattr(_parameter_schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
