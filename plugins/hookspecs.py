"""Every hook a headrace plugin can implement, each one documented here.

Built-in features (blocks, task runners, serializers, CLI commands, migrate rules)
register through these same hooks, so a third-party plugin is never a second-class
citizen. Each hook returns a list (or mutates the CLI group it is given); the manager
flattens the lists of all plugins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

#: The plugin API version this headrace speaks. A plugin module may declare
#: `HEADRACE_PLUGIN_API = N`; a plugin declaring a newer major version is refused on load.
PLUGIN_API_VERSION = 1

hookspec = pluggy.HookspecMarker("headrace")
hookimpl = pluggy.HookimplMarker("headrace")


@hookspec
def register_block_types() -> list[type]:
    """Return Block subclasses to make loadable by slug (`Block.load("slug/name")`)."""


@hookspec
def register_task_runners() -> list[type]:
    """Return TaskRunner subclasses; each is listed by `headrace plugins` and found by name."""


@hookspec
def register_result_serializers() -> list[type]:
    """Return Serializer subclasses; `result_serializer="name"` picks one by its `type` name."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the `headrace` command line."""


@hookspec
def register_migrate_rules() -> list[type]:
    """Return migrate Rule classes (codemods with a rule code) for `headrace migrate`."""


def _all_hook_names() -> list[str]:
    return [name for name, value in globals().items() if hasattr(value, "headrace_spec")]


HOOK_NAMES: list[str] = _all_hook_names()

__all__: list[Any] = ["PLUGIN_API_VERSION", "hookimpl", "hookspec", "HOOK_NAMES"]
