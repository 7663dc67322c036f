"""The plugin manager: built-in plugins first, then entry points, one at a time.

A plugin that fails to import, declares a plugin API this headrace does not speak, or
implements hooks that do not match the specs is skipped with a `PluginLoadWarning` naming
it and the reason; the others load. A hook that raises or returns something other than
its spec asks for, when called, marks its plugin failed the same way; its results are
ignored and every other hook, of this plugin and the others, still runs. Every plugin
considered gets a `PluginRecord`, which `headrace plugins` shows, failures and disabled
plugins included.
"""

from __future__ import annotations

import importlib
import os
import re
import threading
import warnings
from dataclasses import asdict, dataclass, field
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any

import pluggy

from headrace.plugins import hookspecs
from headrace.plugins.defaults import DEFAULT_PLUGINS

ENTRY_POINT_GROUP = "headrace"
DISABLE_ENV = "HEADRACE_DISABLE_PLUGINS"
NO_AUTOLOAD_ENV = "HEADRACE_DISABLE_PLUGIN_AUTOLOAD"
API_ATTRIBUTE = "HEADRACE_PLUGIN_API"


class PluginLoadWarning(UserWarning):
    """A plugin was skipped; the message names it and says why."""


class PluginError(Exception):
    """Why one plugin cannot be used (becomes the record's error)."""


@dataclass
class PluginRecord:
    """What `headrace plugins` shows for one plugin."""

    name: str
    module: str
    distribution: str | None = None
    version: str | None = None
    builtin: bool = False
    api_version: int | None = None
    hooks: list[str] = field(default_factory=list)
    #: why the plugin failed: its load error, or one `hook: error` per failed hook
    error: str | None = None
    disabled: bool = False
    #: hook name -> how that hook failed when called
    hook_errors: dict[str, str] = field(default_factory=dict)

    @property
    def loaded(self) -> bool:
        return self.error is None and not self.disabled

    @property
    def status(self) -> str:
        if self.disabled:
            return "disabled"
        return "loaded" if self.error is None else "failed"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status}


# An RLock, and the manager being built kept aside: a plugin whose import calls back
# into `get_plugin_manager` gets the half-built manager instead of a deadlock.
_lock = threading.RLock()
_manager: pluggy.PluginManager | None = None
_building: pluggy.PluginManager | None = None
_records: list[PluginRecord] = []
_built_for: tuple[str, str] = ("", "")


def _disabled_names() -> set[str]:
    raw = os.environ.get(DISABLE_ENV, "")
    return {name.strip() for name in raw.split(",") if name.strip()}


def _canonical(distribution: str) -> str:
    """Distribution names compare like pip compares them: `My_Plugin` == `my-plugin`."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _autoload_enabled() -> bool:
    return os.environ.get(NO_AUTOLOAD_ENV, "").strip().lower() not in {"1", "true", "yes", "on"}


def _declared_api_version(plugin: object) -> int:
    declared = getattr(plugin, API_ATTRIBUTE, hookspecs.PLUGIN_API_VERSION)
    if isinstance(declared, bool) or not isinstance(declared, int):
        raise PluginError(f"{API_ATTRIBUTE} must be an integer, not {declared!r}")
    if declared > hookspecs.PLUGIN_API_VERSION:
        raise PluginError(
            f"{API_ATTRIBUTE} = {declared}, but this headrace speaks plugin API "
            f"{hookspecs.PLUGIN_API_VERSION} at most: upgrade headrace"
        )
    if declared < hookspecs.MIN_PLUGIN_API_VERSION:
        raise PluginError(
            f"{API_ATTRIBUTE} = {declared}, but this headrace needs plugin API "
            f"{hookspecs.MIN_PLUGIN_API_VERSION} or later: upgrade the plugin"
        )
    return declared


def _one_line(exc: BaseException) -> str:
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return text if isinstance(exc, PluginError) else f"{type(exc).__name__}: {text}"


def _register(pm: pluggy.PluginManager, record: PluginRecord, plugin: object) -> None:
    record.api_version = _declared_api_version(plugin)
    pm.register(plugin, name=record.name)  # checks hookimpl arguments against the specs
    try:
        pm.check_pending()  # hookimpls for hooks no spec declares (usually a typo)
    except pluggy.PluginValidationError:
        pm.unregister(plugin)
        raise
    record.hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])


class _NotInstalled(PluginError):
    """An optional part of headrace (e.g. `headrace.migrate`) is not installed."""


def _load(pm: pluggy.PluginManager, record: PluginRecord, load: Any) -> None:
    try:
        _register(pm, record, load())
    except _NotInstalled as exc:
        record.error = str(exc)
    except Exception as exc:  # one plugin must never take the others down
        record.error = _one_line(exc)
        warnings.warn(
            f"headrace plugin {record.name!r} ({record.module}) was not loaded: {record.error}",
            PluginLoadWarning,
            stacklevel=4,
        )


def _import_builtin(module_name: str) -> ModuleType:
    """Import a built-in plugin; a whole part of headrace left out of the install (such as
    `headrace.migrate`) is quietly "not installed", a module missing inside a part that is
    there (a renamed plugin module) is an error like any other."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        part = ".".join(module_name.split(".")[:2])  # headrace.<part>
        if missing == part:
            raise _NotInstalled("not installed") from None
        raise


def _builtin_records(pm: pluggy.PluginManager, disabled: set[str]) -> list[PluginRecord]:
    from headrace import __version__

    records = []
    for module_name in DEFAULT_PLUGINS:
        record = PluginRecord(
            name=module_name,
            module=module_name,
            distribution="headrace",
            version=__version__,
            builtin=True,
            disabled=module_name in disabled,
        )
        records.append(record)
        if not record.disabled:
            _load(pm, record, lambda name=module_name: _import_builtin(name))
    return records


def _entry_point_record(ep: EntryPoint, disabled: set[str]) -> PluginRecord:
    dist = getattr(ep, "dist", None)
    dist_name = dist.metadata["Name"] if dist is not None else None
    return PluginRecord(
        name=ep.name,
        module=ep.value,
        distribution=dist_name,
        version=dist.version if dist is not None else None,
        disabled=ep.name in disabled
        or (dist_name is not None and _canonical(dist_name) in {_canonical(d) for d in disabled}),
    )


def _entry_point_records(pm: pluggy.PluginManager, disabled: set[str]) -> list[PluginRecord]:
    records = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
        record = _entry_point_record(ep, disabled)
        records.append(record)
        if not record.disabled:
            _load(pm, record, ep.load)
    return records


def _plugin_environment() -> tuple[str, str]:
    """The variables that decide which plugins load (a change means a new manager)."""
    return os.environ.get(DISABLE_ENV, ""), os.environ.get(NO_AUTOLOAD_ENV, "")


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, loaded on first use.

    It is rebuilt when `HEADRACE_DISABLE_PLUGINS` or the autoload switch changed since it
    was loaded, so a test (or a harness) that sets them never leaves a manager without
    the installed plugins behind for the code that runs after it.
    """
    global _manager, _building, _records, _built_for
    environment = _plugin_environment()
    manager = _manager
    if manager is not None and environment == _built_for:
        return manager
    with _lock:
        if _manager is not None and environment == _built_for:
            return _manager
        if _building is not None:  # re-entered from a plugin's import
            return _building
        pm = _building = pluggy.PluginManager("headrace")
        try:
            pm.add_hookspecs(hookspecs)
            disabled = _disabled_names()
            records = _builtin_records(pm, disabled)
            if _autoload_enabled():
                records += _entry_point_records(pm, disabled)
            _records = records
            _manager = pm
            _built_for = environment
        finally:
            _building = None
        return pm


def register_plugin(plugin: object, name: str) -> PluginRecord:
    """Register a plugin object (module, class or instance) by hand, with the usual checks.

    For test harnesses and applications that ship their hooks without an entry point.
    Raises `PluginError` when the plugin is refused.
    """
    pm = get_plugin_manager()
    record = PluginRecord(name=name, module=getattr(plugin, "__name__", repr(plugin)))
    with _lock:
        _records.append(record)
        try:
            _register(pm, record, plugin)
        except Exception as exc:
            record.error = _one_line(exc)
            raise PluginError(f"plugin {name!r} was not registered: {record.error}") from exc
    return record


def loaded_plugin_manager() -> pluggy.PluginManager | None:
    """The plugin manager if plugins were loaded already, without loading them."""
    return _manager


def plugin_records() -> list[PluginRecord]:
    """One record per plugin considered, in load order, failures and disabled ones included.

    Every list hook is called once first, so a plugin that loads but whose hook fails
    (e.g. it imports a module its wheel lacks) shows as failed. `register_commands` is
    checked where the command line is built (`headrace plugins` runs inside it).
    """
    get_plugin_manager()
    for hook_name in hookspecs.LIST_HOOK_ITEM_TYPES:
        collect_by_plugin(hook_name)
    return list(_records)


def reset_plugin_manager() -> None:
    """Forget the loaded plugins so the next use loads them again (tests, harness)."""
    global _manager, _records
    with _lock:
        _manager = None
        _records = []


def _hook_failed(plugin_name: str, hook_name: str, problem: str) -> None:
    """Mark the plugin failed for this hook; warn the first time only."""
    with _lock:
        record = next((r for r in reversed(_records) if r.name == plugin_name), None)
        if record is None or hook_name in record.hook_errors:
            return
        record.hook_errors[hook_name] = problem
        record.error = "; ".join(f"{hook}: {error}" for hook, error in record.hook_errors.items())
    warnings.warn(
        f"headrace plugin {plugin_name!r} failed in {hook_name}: {problem}",
        PluginLoadWarning,
        stacklevel=4,
    )


def call_each(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """`(plugin name, result)` for each plugin's implementation of a hook, built-ins first.

    Each implementation runs on its own: one that raises marks its plugin failed (see
    `plugin_records`) and is skipped; the others still run.
    """
    hook = getattr(get_plugin_manager().hook, hook_name)
    results = []
    for impl in hook.get_hookimpls():
        try:
            results.append((impl.plugin_name, impl.function(**kwargs)))
        except Exception as exc:
            _hook_failed(impl.plugin_name, hook_name, _one_line(exc))
    return results


def _item_type(hook_name: str) -> type:
    module_name, _, class_name = hookspecs.LIST_HOOK_ITEM_TYPES[hook_name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def _list_problem(result: object, expected: type) -> str | None:
    """Why a list hook's result is unusable, or None when it is a list of `expected`s."""
    if not isinstance(result, (list, tuple)):
        return f"returned {type(result).__name__}, not a list of {expected.__name__} subclasses"
    for item in result:
        if not (isinstance(item, type) and issubclass(item, expected)):
            return f"returned {item!r}, which is not a {expected.__name__} subclass"
    return None


def collect_by_plugin(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """`(plugin name, item)` for every item a list hook returns, built-ins first.

    A plugin whose hook raises, or returns anything but a list of the classes the hook
    asks for (`hookspecs.LIST_HOOK_ITEM_TYPES`), is marked failed and contributes
    nothing; the others' items are still returned.
    """
    expected = _item_type(hook_name)
    found: list[tuple[str, Any]] = []
    for plugin_name, result in call_each(hook_name, **kwargs):
        if result is None:  # an implementation with nothing to add this time
            continue
        problem = _list_problem(result, expected)
        if problem is not None:
            _hook_failed(plugin_name, hook_name, problem)
            continue
        found += [(plugin_name, item) for item in result]
    return found


def collect(hook_name: str, **kwargs: Any) -> list[Any]:
    """Call a list-returning hook on every plugin and concatenate the results."""
    return [item for _, item in collect_by_plugin(hook_name, **kwargs)]
