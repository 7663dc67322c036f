"""Write the list of Prefect's public module and name paths, read from its wheel.

`headrace migrate --target prefect` must not write an import of a name Prefect does not
have. Installing Prefect only to look names up would be heavy, so the names are read
once from the wheel (without running it) and kept as data in
`migrate/prefect_names.txt`, one dotted path a line.

Usage:
    pip download prefect==3.8.8 --no-deps -d /tmp/wheel
    python benchmarks/prefect_names.py /tmp/wheel/prefect-3.8.8-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import ast
import sys
import zipfile
from pathlib import Path

SERVER = "prefect.server."
OUT = Path(__file__).resolve().parent.parent / "migrate" / "prefect_names.txt"


def module_name(member: str) -> str | None:
    if not member.startswith("prefect/") or not member.endswith(".py"):
        return None
    parts = member[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if any(p.startswith("_") and p != "__init__" for p in parts[1:]):
        return None  # private modules (prefect._internal, ...)
    return ".".join(parts)


def _ours(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] == "prefect"


def public_names(tree: ast.Module) -> set[str]:
    """Names a module binds at top level (also in if/try blocks), lists in `__all__`
    (lazy settings) or maps in `_public_api` (lazy top-level names)."""
    names: set[str] = set()

    def walk(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(stmt.name)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
                value = stmt.value
                exported = any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)
                if exported and isinstance(value, (ast.List, ast.Tuple)):
                    names.update(
                        e.value
                        for e in value.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    )
                lazy = any(isinstance(t, ast.Name) and t.id == "_public_api" for t in targets)
                if lazy and isinstance(value, ast.Dict):
                    names.update(
                        k.value
                        for k in value.keys
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)
                    )
            elif isinstance(stmt, ast.ImportFrom) and (stmt.level or _ours(stmt.module)):
                for alias in stmt.names:  # re-exports; typing/stdlib imports are not API
                    if alias.name != "*":
                        names.add(alias.asname or alias.name)
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname and _ours(alias.name):
                        names.add(alias.asname)
            elif isinstance(stmt, ast.If):
                walk(stmt.body)
                walk(stmt.orelse)
            elif isinstance(stmt, ast.Try):
                walk(stmt.body)
                for handler in stmt.handlers:
                    walk(handler.body)
                walk(stmt.orelse)
            elif isinstance(stmt, ast.TypeAlias if sys.version_info >= (3, 12) else ()):
                names.add(stmt.name.id)

    walk(tree.body)
    return {n for n in names if not n.startswith("_")}


def collect(wheel: Path) -> list[str]:
    found: set[str] = set()
    with zipfile.ZipFile(wheel) as zf:
        for member in zf.namelist():
            module = module_name(member)
            if module is None:
                continue
            found.add(module)
            if module.startswith(SERVER):
                continue  # server internals: their modules are listed, not every name
            try:
                tree = ast.parse(zf.read(member))
            except SyntaxError:
                continue
            found.update(f"{module}.{name}" for name in public_names(tree))
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    names = collect(args.wheel)
    version = args.wheel.name.split("-")[1]
    args.out.write_text(
        f"# prefect {version}: public modules and names\n" + "\n".join(names) + "\n"
    )
    print(f"{len(names)} names written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
