"""headrace's plugin system: hook specifications, the plugin manager and entry-point loading.

A plugin is a module (or object) with `@hookimpl` functions named after the hooks in
`headrace.plugins.hookspecs`, published under the `headrace` entry-point group:

    # my_plugin.py
    from headrace.plugins import hookimpl

    HEADRACE_PLUGIN_API = 1

    @hookimpl
    def register_block_types():
        return [MyBucket]
"""

from headrace.plugins.hookspecs import PLUGIN_API_VERSION, hookimpl, hookspec
from headrace.plugins.manager import (
    PluginError,
    PluginLoadWarning,
    PluginRecord,
    call_each,
    collect,
    get_plugin_manager,
    plugin_records,
    register_plugin,
    reset_plugin_manager,
)

__all__ = [
    "PLUGIN_API_VERSION",
    "PluginError",
    "PluginLoadWarning",
    "PluginRecord",
    "call_each",
    "collect",
    "get_plugin_manager",
    "hookimpl",
    "hookspec",
    "plugin_records",
    "register_plugin",
    "reset_plugin_manager",
]
