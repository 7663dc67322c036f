"""Finding a flow's entrypoint (`path/to/file.py:function`) and loading a flow from one."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import sys
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


def storage_for(source: Any) -> Any:
    """The code storage `Flow.from_source` reads: a path or URL string, a storage object
    (see headrace.runner.storage) or a storage block (anything with `get_directory`)."""
    from headrace.runner import storage as storages

    if isinstance(source, (str, Path)):
        return storages.create_storage_from_source(str(source))
    if isinstance(source, storages.RunnerStorage):
        return source
    if hasattr(source, "get_directory"):
        return storages.BlockStorageAdapter(source)
    raise TypeError(
        f"Unsupported source type {type(source).__name__!r}: give a local directory, a "
        "git repository URL, a storage object from headrace.runner.storage or a storage "
        "block."
    )


def load_flow_from_source(source: Any, entrypoint: str) -> Any:
    """`Flow.from_source`: the flow at `entrypoint` in `source` (see `storage_for`)."""
    return load_flow_from_storage(storage_for(source), entrypoint)


def load_flow_from_storage(storage: Any, entrypoint: str) -> Any:
    """The flow at `entrypoint` (`file.py:function`, `module:function` or
    `package.module.function`) in a code storage. Remote code is pulled into a temporary
    directory, imported and the directory removed: the flow object keeps the code it needs,
    and `sys.path` and `sys.modules` are left as they were. The flow remembers the storage
    (`_storage`, `_entrypoint`) so that its deployments know where the code is."""
    import tempfile

    from headrace.runner.storage import LocalStorage
    from headrace.utilities.asyncutils import run_coro_as_sync

    if isinstance(storage, LocalStorage):
        if not storage.destination.is_dir():
            raise EntrypointError(f"source {str(storage.destination)!r} is not a directory")
        flow = load_flow(storage.destination, entrypoint)
    else:
        with tempfile.TemporaryDirectory(prefix="headrace-source-") as tmp:
            storage.set_base_path(Path(tmp))
            run_coro_as_sync(storage.pull_code())
            saved_path, known = list(sys.path), set(sys.modules)
            try:
                flow = load_flow(storage.destination, entrypoint)
            finally:
                sys.path[:] = saved_path
                _forget_modules_under(tmp, known)
    flow._storage = storage
    flow._entrypoint = entrypoint
    return flow


def _forget_modules_under(directory: str, known: set[str]) -> None:
    """Drop modules imported from `directory` (about to be removed): a later pull imports
    the code afresh instead of finding the old module."""
    root = str(Path(directory).resolve())
    for name in set(sys.modules) - known:
        file = getattr(sys.modules[name], "__file__", None) or ""
        if str(Path(file).resolve()).startswith(root):
            del sys.modules[name]


def entrypoint_of(flow: Any) -> tuple[str, str]:
    """`(directory, "file.py:function")` for a flow defined at the top level of a file."""
    storage = getattr(flow, "_storage", None)
    if storage is not None and getattr(flow, "_entrypoint", None):
        return str(storage.destination), flow._entrypoint
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
    target, sep, attribute = entrypoint.rpartition(":" if ":" in entrypoint else ".")
    if not sep or not target or not attribute or entrypoint.endswith(".py"):
        raise EntrypointError(
            f"invalid entrypoint {entrypoint!r}; expected 'path/to/file.py:function_name' "
            "or 'package.module.function_name'"
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
