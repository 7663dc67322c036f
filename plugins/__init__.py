"""headrace's plugin system: hook specifications, the plugin manager and entry-point loading.

Plugin authors need only `hookimpl` (and the hook names documented in `hookspecs`):

    from headrace.plugins import hookimpl

    @hookimpl
    def register_block_types():
        return [MyBucket]
"""

from headrace.plugins.hookspecs import PLUGIN_API_VERSION, hookimpl, hookspec
from headrace.plugins.manager import PluginRecord, get_plugin_manager, plugin_records

__all__ = [
    "PLUGIN_API_VERSION",
    "PluginRecord",
    "get_plugin_manager",
    "hookimpl",
    "hookspec",
    "plugin_records",
]
