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
import types
from pathlib import Path
from typing import Any

from headrace.exceptions import ScriptError

_SAFE_STATEMENTS = (
    ast.Import,
    ast.ImportFrom,
    ast.Assign,
    ast.AnnAssign,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
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


def _find_definition(entrypoint: str) -> tuple[ast.Module, list[ast.ClassDef], ast.AST, Path]:
    path_text, sep, attribute = entrypoint.rpartition(":")
    if not sep:
        raise ValueError(f"Entrypoint {entrypoint!r} must look like 'path/to/file.py:name'")
    path = Path(path_text).expanduser()
    tree = ast.parse(path.read_text(), filename=str(path))
    body: list[ast.stmt] = tree.body
    classes: list[ast.ClassDef] = []
    parts = attribute.split(".")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        wanted = (ast.FunctionDef, ast.AsyncFunctionDef) if last else (ast.ClassDef,)
        found = next((n for n in body if isinstance(n, wanted) and n.name == part), None)
        if found is None:
            raise ValueError(f"Could not find object {attribute!r} in {str(path)!r}")
        if last:
            return tree, classes, found, path
        assert isinstance(found, ast.ClassDef)
        classes.append(found)
        body = found.body
    raise ValueError(f"Could not find object {attribute!r} in {str(path)!r}")


def _run_safe_statements(tree: ast.Module, path: Path) -> dict[str, Any]:
    """A namespace from the script's imports, assignments and definitions, each run on
    its own; whatever fails (a missing import, say) is left out."""
    namespace: dict[str, Any] = {"__name__": "__headrace_safe_load__", "__file__": str(path)}
    for statement in tree.body:
        if not isinstance(statement, _SAFE_STATEMENTS):
            continue
        module = ast.Module(body=[statement], type_ignores=[])
        try:
            exec(compile(module, str(path), "exec"), namespace)  # noqa: S102 - user's own script
        except Exception:  # noqa: BLE001, S112 - skipping what cannot run is the point
            continue
    return namespace


def _flow_decorator(node: Any) -> ast.expr | None:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name == "flow":
            return decorator
    return None


def _evaluate(expression: ast.expr, namespace: dict[str, Any], path: Path) -> Any:
    code = compile(ast.Expression(body=expression), str(path), "eval")
    return eval(code, namespace)  # noqa: S307 - the user's own script, as importing it would


def flow_arguments(
    entrypoint: str, arguments: list[str] | set[str] | None = None
) -> dict[str, Any]:
    """The arguments given to `@flow(...)` at an entrypoint, read without running the
    script's other code; `name` defaults as `@flow` would name the flow."""
    tree, _classes, node, path = _find_definition(entrypoint)
    namespace = _run_safe_statements(tree, path)
    values: dict[str, Any] = {}
    decorator = _flow_decorator(node)
    if isinstance(decorator, ast.Call):
        for keyword in decorator.keywords:
            if keyword.arg is None or (arguments is not None and keyword.arg not in arguments):
                continue
            try:
                values[keyword.arg] = _evaluate(keyword.value, namespace, path)
            except Exception:  # noqa: BLE001 - an argument that needs a missing import
                continue
    if "name" not in values and (arguments is None or "name" in arguments):
        values["name"] = node.name.replace("_", "-")  # type: ignore[attr-defined]
    return values


def safe_load_flow(entrypoint: str, flow_class: Any) -> Any:
    """The flow at an entrypoint, built without importing its script (see the module
    docstring); None when the flow's own decorator arguments need something missing."""
    tree, classes, node, path = _find_definition(entrypoint)
    namespace = _run_safe_statements(tree, path)
    decorator = _flow_decorator(node)
    options: dict[str, Any] = {}
    if isinstance(decorator, ast.Call):
        try:
            for keyword in decorator.keywords:
                if keyword.arg is not None:
                    options[keyword.arg] = _evaluate(keyword.value, namespace, path)
        except Exception:  # noqa: BLE001 - the flow cannot be described without it
            return None
    method_kind = _method_kind(node)
    function = _function_without_missing_names(node, namespace, path)
    if method_kind == "class":
        owner = _owner(classes, namespace)
        function = types.MethodType(function, owner)
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


def _function_without_missing_names(node: Any, namespace: dict[str, Any], path: Path) -> Any:
    """Compile the function alone (no decorators); annotations that name something
    missing are dropped and defaults that do are None."""
    import copy

    function = copy.deepcopy(node)
    function.decorator_list = []
    arguments = function.args

    def usable(expression: ast.expr | None) -> bool:
        if expression is None:
            return True
        try:
            _evaluate(expression, namespace, path)
        except Exception:  # noqa: BLE001
            return False
        return True

    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
    for argument in every:
        if not usable(argument.annotation):
            argument.annotation = None
    if not usable(function.returns):
        function.returns = None
    arguments.defaults = [d if usable(d) else ast.Constant(None) for d in arguments.defaults]
    arguments.kw_defaults = [
        d if d is None or usable(d) else ast.Constant(None) for d in arguments.kw_defaults
    ]
    module = ast.Module(body=[function], type_ignores=[])
    ast.fix_missing_locations(module)
    scope = dict(namespace)
    exec(compile(module, str(path), "exec"), scope)  # noqa: S102 - the user's own function
    return scope[function.name]


def is_async(entrypoint: str) -> bool:
    """Whether the function an entrypoint names is `async def`, read from the source."""
    _tree, _classes, node, _path = _find_definition(entrypoint)
    return isinstance(node, ast.AsyncFunctionDef)
