"""A plugin that loads, but one of whose hooks fails when called, like an integration
whose wheel lacks the module a hook imports; its other hook still works."""

from __future__ import annotations

from headrace.plugins import hookimpl

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_block_types() -> list[type]:
    from headrace_example_plugin.blocks import HalfBrokenSettings

    return [HalfBrokenSettings]


@hookimpl
def register_migrate_rules() -> list[type]:
    from headrace_example_plugin.rules_not_shipped import RULES  # not in the wheel

    return RULES
