"""Reading a function out of a script without running the script.

The script is parsed; only its imports, assignments and definitions run, each on its own
(whatever fails, such as an import missing on this machine, is skipped); module-level
calls and `if __name__ == "__main__"` blocks never run. The function is then compiled
alone, without its decorators, with annotations and defaults that need something missing
dropped. Flow entrypoints and parameter schemas are read this way.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

_SAFE_STATEMENTS = (
    ast.Import,
    ast.ImportFrom,
    ast.Assign,
    ast.AnnAssign,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
)


def find_definition(entrypoint: str) -> tuple[ast.Module, list[ast.ClassDef], ast.AST, Path]:
    """The parsed script of `path/to/file.py:name` (or `:Class.method`), the classes
    enclosing the function, its definition node and the script's path."""
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


def run_safe_statements(tree: ast.Module, path: Path) -> dict[str, Any]:
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


def evaluate(expression: ast.expr, namespace: dict[str, Any], path: Path) -> Any:
    code = compile(ast.Expression(body=expression), str(path), "eval")
    return eval(code, namespace)  # noqa: S307 - the user's own script, as importing it would


def function_without_missing_names(node: Any, namespace: dict[str, Any], path: Path) -> Any:
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
            evaluate(expression, namespace, path)
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


def load_function_from_source(entrypoint: str) -> Any:
    """The plain function (decorators left off) at `path/to/file.py:name`,
    `file.py:Class.method` or `package.module.name`, built as `safe_load_flow` builds
    one: only the script's imports, assignments and definitions run."""
    if ":" not in entrypoint:
        import importlib.util

        module_name, _, attribute = entrypoint.rpartition(".")
        spec = importlib.util.find_spec(module_name) if module_name else None
        if spec is None or not spec.origin:
            raise ValueError(f"Could not find module {module_name!r}")
        entrypoint = f"{spec.origin}:{attribute}"
    tree, _classes, node, path = find_definition(entrypoint)
    return function_without_missing_names(node, run_safe_statements(tree, path), path)


__all__ = [
    "evaluate",
    "find_definition",
    "function_without_missing_names",
    "load_function_from_source",
    "run_safe_statements",
]
