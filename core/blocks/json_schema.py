"""The JSON schema of a block class, with the keys Prefect's UI, API and tools read.

Beside pydantic's schema a block schema carries `block_type_slug`, `secret_fields` (dotted
paths of secret values, `x.*` for every value under `x`), `block_schema_references` (the
slug and checksum of each nested block type) and a `position` per property (declaration
order, for forms). Definitions live under `definitions`, not `$defs`. The checksum is
computed the way Prefect computes it, so a schema has the same checksum on both.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import types
import typing
from typing import TYPE_CHECKING, Any, Union

from pydantic import BaseModel, SecretBytes, SecretStr

from headrace.blocks.registry import is_block_class
from headrace.secrets import SecretDict

if TYPE_CHECKING:
    from headrace.blocks.core import Block

#: annotations whose arguments are searched for nested blocks and secrets
_CONTAINERS: tuple[Any, ...] = (list, dict, tuple, Union, types.UnionType)


def _is_model_class(annotation: Any) -> bool:
    return (
        inspect.isclass(annotation)
        and typing.get_origin(annotation) is None
        and issubclass(annotation, BaseModel)
    )


def _is_pydantic_secret(annotation: Any) -> bool:
    if annotation in (SecretStr, SecretBytes):
        return True
    target = typing.get_origin(annotation) or annotation
    return getattr(target, "__module__", None) == "pydantic.types" and (
        getattr(target, "__name__", None) == "Secret"
    )


def collect_secret_fields(path: str, annotation: Any, found: list[str]) -> None:
    """Append the dotted paths of the secret values under `annotation` to `found`."""
    if typing.get_origin(annotation) in _CONTAINERS:
        for argument in typing.get_args(annotation):
            collect_secret_fields(path, argument, found)
    elif is_block_class(annotation):
        found.extend(f"{path}.{s}" for s in secret_fields(annotation))
    elif _is_model_class(annotation):
        for name, info in annotation.model_fields.items():
            if info.annotation is not None:
                collect_secret_fields(f"{path}.{name}", info.annotation, found)
    elif annotation is SecretDict:
        found.append(f"{path}.*")
    elif _is_pydantic_secret(annotation):
        found.append(path)


def secret_fields(model: type[BaseModel]) -> list[str]:
    found: list[str] = []
    for name, info in model.model_fields.items():
        if info.annotation is not None:
            collect_secret_fields(name, info.annotation, found)
    return found


def _schema_references(model: type[Block]) -> dict[str, Any]:
    references: dict[str, Any] = {}

    def walk(field: str, annotation: Any) -> None:
        if is_block_class(annotation):
            entry = {
                "block_type_slug": annotation.get_block_type_slug(),
                "block_schema_checksum": annotation._calculate_schema_checksum(),
            }
            current = references.get(field)
            if current is None:
                references[field] = entry
            elif isinstance(current, list):
                current.append(entry)
            else:
                references[field] = [current, entry]
        if typing.get_origin(annotation) in _CONTAINERS:
            for argument in typing.get_args(annotation):
                walk(field, argument)

    for name, info in model.model_fields.items():
        if info.annotation is not None:
            walk(name, info.annotation)
    return references


def schema_extra(schema: dict[str, Any], model: type[Block]) -> None:
    """pydantic's `json_schema_extra` hook of every block class."""
    schema["block_type_slug"] = model.get_block_type_slug()
    description = model.get_description()
    if description:
        schema["description"] = description
    else:
        schema.pop("description", None)
    schema["secret_fields"] = secret_fields(model)
    schema["block_schema_references"] = _schema_references(model)


def nested_block_classes(model: type[BaseModel]) -> dict[str, type[Block]]:
    """Every block class used in `model`'s fields, at any depth, by class name."""
    found: dict[str, type[Block]] = {}

    def walk(annotation: Any) -> None:
        if is_block_class(annotation) and annotation.__name__ not in found:
            found[annotation.__name__] = annotation
            for info in annotation.model_fields.values():
                walk(info.annotation)
        if typing.get_origin(annotation) in _CONTAINERS:
            for argument in typing.get_args(annotation):
                walk(argument)

    for info in model.model_fields.values():
        walk(info.annotation)
    return found


def add_positions(schema: dict[str, Any], model: type[BaseModel], by_alias: bool) -> None:
    """Number the properties of `schema` in `model`'s field declaration order."""
    properties = schema.get("properties")
    if not properties:
        return
    for position, (name, info) in enumerate(model.model_fields.items()):
        key = (info.alias or name) if by_alias else name
        if key in properties:
            properties[key]["position"] = position


def without_keys(value: Any, keys: frozenset[str]) -> Any:
    """A copy of nested dicts without `keys` at any depth (lists are left as they are)."""
    if not isinstance(value, dict):
        return value
    return {k: without_keys(v, keys) for k, v in value.items() if k not in keys}


def _referenced_plain_definitions(node: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    """The definitions `node` refers to, directly or through others, that are not blocks."""
    found: dict[str, Any] = {}
    for reference in _references_in(node):
        key = reference.replace("#/definitions/", "")
        definition = definitions.get(key)
        if definition is not None and definition.get("block_type_slug") is None:
            found[key] = definition
            found.update(_referenced_plain_definitions(definition, definitions))
    return found


def _references_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for value in node.values():
            found.extend(_references_in(value))
        return found
    if isinstance(node, list):
        return [ref for item in node for ref in _references_in(item)]
    return []


def checksum(fields: dict[str, Any]) -> str:
    """`sha256:<hex>` of a block schema: secret paths and nested blocks' definitions do
    not count (a nested block is identified by its own checksum in the references)."""
    counted = without_keys(fields, frozenset({"secret_fields"}))
    if counted.get("definitions"):
        plain = _referenced_plain_definitions(counted, counted["definitions"])
        if plain:
            counted["definitions"] = plain
        else:
            counted.pop("definitions")
    text = json.dumps([[counted], {}], sort_keys=True)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
