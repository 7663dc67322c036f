"""Every hook a headrace plugin can implement, each one documented here.

Built-in features (blocks, task runners, serializers, CLI commands, migrate rules)
register through these same hooks, so a third-party plugin is never a second-class
citizen. The list hooks return a list each; `headrace.plugins.collect` concatenates the
lists of all plugins, built-ins first. A plugin implements only the hooks it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

#: The plugin API this headrace speaks. A plugin declares the version it was written for
#: with a module-level `HEADRACE_PLUGIN_API = N`; one outside
#: `MIN_PLUGIN_API_VERSION..PLUGIN_API_VERSION` is refused on load with a warning.
PLUGIN_API_VERSION = 1
MIN_PLUGIN_API_VERSION = 1

hookspec = pluggy.HookspecMarker("headrace")
hookimpl = pluggy.HookimplMarker("headrace")


@hookspec
def register_block_types() -> list[type]:
    """Return Block subclasses, so `Block.load("slug/name")` and `headrace block` find them.

    Blocks defined in an imported module register themselves; the hook is what makes an
    installed package's blocks loadable before anything imported it.
    """


@hookspec
def register_task_runners() -> list[type]:
    """Return TaskRunner subclasses; each is listed by `headrace plugins` and found by name."""


@hookspec
def register_result_serializers() -> list[type]:
    """Return Serializer subclasses; `result_serializer="name"` picks one by its `type` name."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the `headrace` command line (`cli.add_command`, or
    `cli.add_lazy_command(name, "module:attribute")` to import the module only when the
    command runs)."""


@hookspec
def register_migrate_rules() -> list[type]:
    """Return migrate Rule classes (codemods with a rule code) for `headrace migrate`.

    An integration uses it to upgrade its own legacy imports, e.g. Prefect 1.x
    `prefect.tasks.aws.s3` to `headrace_aws`.
    """


#: What each list hook returns: a list of subclasses of this class, named as
#: "module:class" and imported only when the hook's results are checked. A plugin whose
#: hook returns anything else is reported as failed and its items are ignored.
LIST_HOOK_ITEM_TYPES: dict[str, str] = {
    "register_block_types": "headrace.blocks.core:Block",
    "register_task_runners": "headrace.task_runners:TaskRunner",
    "register_result_serializers": "headrace.serializers:Serializer",
    "register_migrate_rules": "headrace.migrate:Rule",
}

HOOK_NAMES: tuple[str, ...] = tuple(
    name for name, value in list(globals().items()) if hasattr(value, "headrace_spec")
)

__all__ = [
    "HOOK_NAMES",
    "LIST_HOOK_ITEM_TYPES",
    "MIN_PLUGIN_API_VERSION",
    "PLUGIN_API_VERSION",
    "hookimpl",
    "hookspec",
]
