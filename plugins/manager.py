"""The plugin manager: built-in plugins first, then entry points, one at a time.

A plugin that fails to import, declares a newer plugin API, or implements hooks that
do not match the specs is skipped with a warning naming it and the reason; the others
load. `headrace plugins` shows every record, failures included.
"""

from __future__ import annotations

import importlib
import os
import threading
import warnings
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy

from headrace.plugins import hookspecs
from headrace.plugins.defaults import DEFAULT_PLUGINS

ENTRY_POINT_GROUP = "headrace"
DISABLE_ENV = "HEADRACE_DISABLE_PLUGINS"
NO_AUTOLOAD_ENV = "HEADRACE_DISABLE_PLUGIN_AUTOLOAD"


class PluginLoadWarning(UserWarning):
    """A plugin could not be loaded; the message names it and says why."""


@dataclass
class PluginRecord:
    """What `headrace plugins` shows for one plugin."""

    name: str
    module: str
    distribution: str | None = None
    version: str | None = None
    builtin: bool = False
    hooks: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def loaded(self) -> bool:
        return self.error is None


_lock = threading.Lock()
_manager: pluggy.PluginManager | None = None
_records: list[PluginRecord] = []


def _disabled_names() -> set[str]:
    raw = os.environ.get(DISABLE_ENV, "")
    return {name.strip() for name in raw.split(",") if name.strip()}


def _autoload_enabled() -> bool:
    return os.environ.get(NO_AUTOLOAD_ENV, "").strip().lower() not in {"1", "true", "yes"}


def _check_api_version(module: ModuleType) -> None:
    declared = getattr(module, "HEADRACE_PLUGIN_API", hookspecs.PLUGIN_API_VERSION)
    if not isinstance(declared, int) or declared > hookspecs.PLUGIN_API_VERSION:
        raise RuntimeError(
            f"declares plugin API {declared!r}, this headrace supports up to "
            f"{hookspecs.PLUGIN_API_VERSION}"
        )


def _register(pm: pluggy.PluginManager, record: PluginRecord, plugin: Any) -> None:
    if isinstance(plugin, ModuleType):
        _check_api_version(plugin)
    pm.register(plugin, name=record.name)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError:
        pm.unregister(plugin)
        raise
    record.hooks = sorted(impl.name for impl in pm.get_hookcallers(plugin) or [])


def _load_into(pm: pluggy.PluginManager) -> list[PluginRecord]:
    records: list[PluginRecord] = []
    disabled = _disabled_names()
    for module_name in DEFAULT_PLUGINS:
        if module_name in disabled:
            continue
        record = PluginRecord(name=module_name, module=module_name, builtin=True)
        records.append(record)
        try:
            _register(pm, record, importlib.import_module(module_name))
        except Exception as exc:  # a built-in must never take the others down either
            record.error = f"{type(exc).__name__}: {exc}"
    if not _autoload_enabled():
        return records
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in disabled:
            continue
        dist = getattr(ep, "dist", None)
        record = PluginRecord(
            name=ep.name,
            module=ep.value,
            distribution=dist.name if dist else None,
            version=dist.version if dist else None,
        )
        records.append(record)
        try:
            _register(pm, record, ep.load())
        except Exception as exc:
            record.error = f"{type(exc).__name__}: {exc}"
            warnings.warn(
                f"headrace plugin {ep.name!r} ({ep.value}) was not loaded: {record.error}",
                PluginLoadWarning,
                stacklevel=2,
            )
    return records


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, loaded on first use."""
    global _manager, _records
    if _manager is None:
        with _lock:
            if _manager is None:
                pm = pluggy.PluginManager("headrace")
                pm.add_hookspecs(hookspecs)
                _records = _load_into(pm)
                _manager = pm
    return _manager


def plugin_records() -> list[PluginRecord]:
    """One record per plugin considered, in load order, failures included."""
    get_plugin_manager()
    return list(_records)


def reset_plugin_manager() -> None:
    """Forget the loaded plugins so the next use loads them again (tests, harness)."""
    global _manager, _records
    with _lock:
        _manager = None
        _records = []


def collect(hook_name: str) -> list[Any]:
    """Call a list-returning hook on every plugin and flatten the results."""
    hook = getattr(get_plugin_manager().hook, hook_name)
    return [item for result in hook() for item in (result or [])]
