"""Loading flows from entrypoints (`path/to/file.py:name`, `file.py:Class.method` or
`package.module.name`), as `headrace.flows.load_flow_from_entrypoint` and friends.

The safe loader reads a script without running it: it parses the file, runs only its
imports, assignments and definitions (each on its own, skipping what fails), then builds
the flow from the decorator's arguments and the function's code. A flow whose script
imports something missing on this machine can so still be described (name, parameters,
docstring), e.g. by a server that lists deployments.
"""

from __future__ import annotations

import ast
import importlib
import logging
import types
from pathlib import Path
from typing import Any

from headrace.exceptions import ScriptError
from headrace.utilities.source_loading import (
    evaluate,
    find_definition,
    function_without_missing_names,
    run_safe_statements,
)


def import_object(import_path: str) -> Any:
    """The object at `path/to/file.py:name` or `package.module.name`."""
    if ":" in import_path:
        path, _, attribute = import_path.rpartition(":")
        module = _load_script(path)
    else:
        module_name, _, attribute = import_path.rpartition(".")
        module = importlib.import_module(module_name)
    value: Any = module
    for part in attribute.split("."):
        value = getattr(value, part)
    return value


def _load_script(path: str) -> types.ModuleType:
    from headrace.deployments.loading import _import_file

    file = Path(path).expanduser()
    try:
        return _import_file(file.resolve(), file.resolve().parent)
    except Exception as exc:
        raise ScriptError(user_exc=exc, path=path) from exc


def _flow_decorator(node: Any) -> ast.expr | None:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name == "flow":
            return decorator
    return None


def flow_arguments(
    entrypoint: str, arguments: list[str] | set[str] | None = None
) -> dict[str, Any]:
    """The arguments given to `@flow(...)` at an entrypoint, read without running the
    script's other code; `name` defaults as `@flow` would name the flow."""
    tree, _classes, node, path = find_definition(entrypoint)
    namespace = run_safe_statements(tree, path)
    values: dict[str, Any] = {}
    decorator = _flow_decorator(node)
    if isinstance(decorator, ast.Call):
        for keyword in decorator.keywords:
            if keyword.arg is None or (arguments is not None and keyword.arg not in arguments):
                continue
            try:
                values[keyword.arg] = evaluate(keyword.value, namespace, path)
            except Exception:  # noqa: BLE001 - an argument that needs a missing import
                logging.getLogger("headrace.flows").warning(
                    "Failed to parse @flow argument: `%s`", ast.unparse(keyword)
                )
    if "name" not in values and (arguments is None or "name" in arguments):
        values["name"] = node.name.replace("_", "-")  # type: ignore[attr-defined]
    return values


def safe_load_flow(entrypoint: str, flow_class: Any) -> Any:
    """The flow at an entrypoint, built without importing its script (see the module
    docstring); None when the flow's own decorator arguments need something missing."""
    tree, classes, node, path = find_definition(entrypoint)
    namespace = run_safe_statements(tree, path)
    decorator = _flow_decorator(node)
    options: dict[str, Any] = {}
    if isinstance(decorator, ast.Call):
        try:
            for keyword in decorator.keywords:
                if keyword.arg is not None:
                    options[keyword.arg] = evaluate(keyword.value, namespace, path)
        except Exception:  # noqa: BLE001 - the flow cannot be described without it
            return None
    method_kind = _method_kind(node)
    function = function_without_missing_names(node, namespace, path)
    if method_kind == "class":  # as `Owner.flow_method` gives it: bound to the class
        return flow_class(classmethod(function), **options).__get__(
            None, _owner(classes, namespace)
        )
    return flow_class(function, **options)


def _method_kind(node: Any) -> str | None:
    for decorator in node.decorator_list:
        name = getattr(decorator, "id", None)
        if name in ("classmethod", "staticmethod"):
            return name[: -len("method")]
    return None


def _owner(classes: list[ast.ClassDef], namespace: dict[str, Any]) -> Any:
    value: Any = namespace.get(classes[0].name) if classes else None
    for cls in classes[1:]:
        value = getattr(value, cls.name, None)
    return value if value is not None else type(classes[-1].name, (), {})


def is_async(entrypoint: str) -> bool:
    """Whether the function an entrypoint names is `async def`, read from the source."""
    _tree, _classes, node, _path = find_definition(entrypoint)
    return isinstance(node, ast.AsyncFunctionDef)
