"""A function's parameters as an OpenAPI object schema (Prefect's `parameter_schema`).

Deployments publish this schema so a UI or API caller can build a run's parameters
without importing the flow. Each parameter becomes a property titled with its name,
carrying its position, default, docstring description (Google style `Args:`) and the JSON
schema pydantic gives its annotation; an annotation pydantic cannot describe (a plain
class, a callable) is described as "anything" rather than failing the whole schema.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable
from typing import Any, Literal

import pydantic
from pydantic.errors import PydanticInvalidForJsonSchema

_SECTION = re.compile(r"^(\w[\w ]*):\s*$")
_ARGUMENT = re.compile(r"^(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
_ARGUMENT_SECTIONS = frozenset({"Args", "Arguments", "Parameters", "Params"})


class ParameterSchema(pydantic.BaseModel):
    """The OpenAPI object schema of a function's parameters."""

    title: Literal["Parameters"] = "Parameters"
    type: Literal["object"] = "object"
    properties: dict[str, Any] = pydantic.Field(default_factory=dict)
    required: list[str] = pydantic.Field(default_factory=list)
    definitions: dict[str, Any] = pydantic.Field(default_factory=dict)

    def model_dump_for_openapi(self) -> dict[str, Any]:
        """The schema as a plain dict; `required` left out when nothing is."""
        result = self.model_dump(mode="python", exclude_none=True)
        if not result.get("required"):
            result.pop("required", None)
        return result


def parameter_docstrings(docstring: str | None) -> dict[str, str]:
    """Parameter name -> description, read from a Google-style `Args:` section
    (continuation lines joined with newlines)."""
    found: dict[str, str] = {}
    if not docstring:
        return found
    lines = textwrap.dedent(docstring).splitlines()
    inside = False
    section_indent = 0
    current: str | None = None
    entry_indent = 0
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        header = _SECTION.match(stripped)
        if header and (not inside or indent <= section_indent):
            inside = header.group(1) in _ARGUMENT_SECTIONS
            section_indent, current = indent, None
            continue
        if not inside:
            continue
        if stripped and indent <= section_indent:
            inside, current = False, None
            continue
        if not stripped:
            continue
        argument = _ARGUMENT.match(stripped)
        if argument and (current is None or indent <= entry_indent):
            current, entry_indent = argument.group(1).lstrip("*"), indent
            found[current] = argument.group(2)
        elif current is not None:
            found[current] = f"{found[current]}\n{stripped}".strip()
    return found


def _describable(annotation: Any, config: pydantic.ConfigDict) -> bool:
    try:
        pydantic.create_model(
            "Check", __config__=config, value=(annotation, ...)
        ).model_json_schema()
    except (PydanticInvalidForJsonSchema, TypeError, ValueError, pydantic.PydanticUserError):
        return False
    return True


def generate_parameter_schema(
    signature: inspect.Signature, docstrings: dict[str, str]
) -> ParameterSchema:
    """The schema of `signature`'s parameters (`self`/`cls` and `*args`/`**kwargs`
    keep their position but `self`/`cls` are left out)."""
    config = pydantic.ConfigDict(arbitrary_types_allowed=True)
    fields: dict[str, Any] = {}
    for position, (name, param) in enumerate(signature.parameters.items()):
        if name in ("self", "cls"):
            continue
        annotation = Any if param.annotation is param.empty else param.annotation
        if annotation is not Any and not _describable(annotation, config):
            annotation = Any
        field = pydantic.Field(
            default=... if param.default is param.empty else param.default,
            alias=name,
            title=name,
            description=docstrings.get(name),
            json_schema_extra={"position": position},
        )
        # fields are keyed by position: a parameter called `json` or `copy` must not
        # collide with pydantic's own attributes; the alias carries the real name
        fields[f"p{position}"] = (annotation, field)
    model = pydantic.create_model("Parameters", __config__=config, **fields)
    schema = model.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    return ParameterSchema(
        properties=schema.get("properties", {}),
        required=schema.get("required", []),
        definitions=schema.get("$defs", {}),
    )


def _signature(fn: Callable[..., Any]) -> inspect.Signature:
    """`fn`'s signature with string annotations (`from __future__ import annotations`)
    evaluated one by one: one that names something unknown is left undescribed alone."""
    signature = inspect.signature(fn)
    target = inspect.unwrap(getattr(fn, "__func__", fn))
    namespace = dict(getattr(target, "__globals__", {}))
    closure = getattr(target, "__closure__", None) or ()
    freevars = getattr(getattr(target, "__code__", None), "co_freevars", ())
    for name, cell in zip(freevars, closure, strict=False):
        try:
            namespace[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    params = []
    for param in signature.parameters.values():
        if isinstance(param.annotation, str):
            try:
                param = param.replace(annotation=eval(param.annotation, namespace))  # noqa: S307
            except Exception:  # noqa: BLE001 - an unknown name: describe it as anything
                param = param.replace(annotation=param.empty)
        params.append(param)
    return signature.replace(parameters=params)


def parameter_schema(fn: Callable[..., Any]) -> ParameterSchema:
    """The schema of `fn`'s parameters, with descriptions from its docstring."""
    return generate_parameter_schema(_signature(fn), parameter_docstrings(inspect.getdoc(fn)))


def parameter_schema_from_entrypoint(entrypoint: str) -> ParameterSchema:
    """The schema of the function at `path/to/file.py:name` or `package.module.name`,
    read without running the script's other code (a missing import leaves the
    annotations that need it undescribed); ValueError if the function is not there."""
    from headrace.utilities.source_loading import load_function_from_source

    return parameter_schema(load_function_from_source(entrypoint))


__all__ = [
    "ParameterSchema",
    "generate_parameter_schema",
    "parameter_docstrings",
    "parameter_schema",
    "parameter_schema_from_entrypoint",
]
