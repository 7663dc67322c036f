"""headrace's built-in plugins, one module each, registered through the public hooks.

`headrace.plugins.defaults.DEFAULT_PLUGINS` lists them; `headrace plugins` shows them
next to third-party plugins.
"""
