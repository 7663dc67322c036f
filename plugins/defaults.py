"""The built-in plugins: headrace's own features, registered through the public hooks."""

DEFAULT_PLUGINS: tuple[str, ...] = (
    "headrace.builtin_plugins",
    "headrace.blocks.builtin",
    "headrace.cli.builtin",
    "headrace.migrate.plugin",
    "headrace.ops_plugin",
    "headrace.server.cli",
)
