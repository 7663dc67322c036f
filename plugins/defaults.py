"""The built-in plugins: headrace's own features, registered through the public hooks."""

DEFAULT_PLUGINS: tuple[str, ...] = (
    "headrace.builtins.execution",
    "headrace.builtins.blocks",
    "headrace.builtins.commands",
    "headrace.migrate.builtins",
    "headrace.builtins.operations",
    "headrace.server.cli",
)
