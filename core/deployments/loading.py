"""Finding a flow's entrypoint (`path/to/file.py:function`) and loading a flow from one."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import sys
import weakref
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from headrace.exceptions import HeadraceException


class EntrypointError(HeadraceException):
    """An entrypoint that cannot be loaded: bad syntax, missing file, import error, not a flow."""


@runtime_checkable
class DeployableFlow(Protocol):
    """What deployments need of a flow. `headrace.flows.Flow` has it; this package
    depends on the protocol, not on `flows` (which depends on this package for
    `Flow.serve`, `Flow.deploy`, `Flow.to_deployment` and `Flow.from_source`)."""

    name: str
    version: str | None
    fn: Any
    isasync: bool

    def validate_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]: ...

    def to_deployment(self, *args: Any, **kwargs: Any) -> Any: ...

    def serve(self, *args: Any, **kwargs: Any) -> Any: ...


# flows loaded with `Flow.from_source` remember where they came from
_sources: weakref.WeakKeyDictionary[Any, tuple[str, str]] = weakref.WeakKeyDictionary()


def load_flow_from_source(source: str | Path, entrypoint: str) -> Any:
    """`Flow.from_source` for a local directory: load the flow and remember its origin."""
    directory = Path(source).expanduser().resolve()
    if not directory.is_dir():
        raise EntrypointError(f"source {str(source)!r} is not a local directory")
    flow = load_flow(directory, entrypoint)
    _sources[flow] = (str(directory), entrypoint)
    return flow


def entrypoint_of(flow: Any) -> tuple[str, str]:
    """`(directory, "file.py:function")` for a flow defined at the top level of a file."""
    known = _sources.get(flow)
    if known is not None:
        return known
    fn = flow.fn
    if "<locals>" in getattr(fn, "__qualname__", ""):
        raise EntrypointError(
            f"flow {flow.name!r} is defined inside a function; a deployment needs a flow "
            "defined at the top level of a file"
        )
    try:
        source = inspect.getsourcefile(fn)
    except TypeError:
        source = None
    if source is None:
        raise EntrypointError(f"cannot find the source file of flow {flow.name!r}")
    path = Path(source).resolve()
    return str(path.parent), f"{path.name}:{fn.__name__}"


def load_flow(directory: str | Path | None, entrypoint: str) -> Any:
    """Import the entrypoint (`file.py:function` relative to `directory`, or
    `package.module:function`) and return the flow it names."""
    target, sep, attribute = entrypoint.rpartition(":")
    if not sep or not target or not attribute:
        raise EntrypointError(
            f"invalid entrypoint {entrypoint!r}; expected 'path/to/file.py:function_name'"
        )
    base = Path(directory) if directory else Path.cwd()
    try:
        if target.endswith(".py"):
            module = _import_file(base / target, base)
        else:
            _add_to_path(base)
            module = importlib.import_module(target)
    except EntrypointError:
        raise
    except BaseException as exc:  # the user's module failed to import: report why
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise EntrypointError(
            f"could not import entrypoint {entrypoint!r}: {type(exc).__name__}: {exc}"
        ) from exc
    value: Any = module
    for part in attribute.split("."):
        value = getattr(value, part, None)
        if value is None:
            raise EntrypointError(f"entrypoint {entrypoint!r}: {attribute!r} not found in {target}")
    if not isinstance(value, DeployableFlow):
        raise EntrypointError(f"entrypoint {entrypoint!r} is not a flow (decorate it with @flow)")
    return value


def _import_file(path: Path, base: Path) -> Any:
    if not path.is_file():
        raise EntrypointError(f"entrypoint file {str(path)!r} does not exist")
    # a stable, unique module name per file, so two flows named main.py never collide
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    name = f"headrace_entrypoint_{path.stem}_{digest}"
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    cached = sys.modules.get(name)
    if cached is not None and getattr(cached, "__headrace_version__", None) == version:
        return cached  # imported before and unchanged since
    _add_to_path(base, path.parent)  # let the file import its neighbours
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    module.__headrace_version__ = version  # type: ignore[attr-defined]
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _add_to_path(*folders: Path) -> None:
    for folder in folders:
        text = str(folder.resolve())
        if text not in sys.path:
            sys.path.insert(0, text)
