"""The built-in blocks plugin: headrace's own block types and the `block` command group.

It registers through the same hooks as any third-party plugin. Importing this module stays
cheap (no pydantic): the hooks import the block modules only when they are called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from headrace.plugins import hookimpl

if TYPE_CHECKING:
    import click

HEADRACE_PLUGIN_API = 1


@hookimpl
def register_block_types() -> list[type]:
    # deferred: loading a plugin must not import pydantic; the hook does
    from headrace.blocks.notifications import CustomWebhookNotificationBlock, SlackWebhook
    from headrace.blocks.system import JSON, Secret, String
    from headrace.blocks.webhook import Webhook
    from headrace.filesystems import LocalFileSystem, RemoteFileSystem

    return [
        Secret,
        JSON,
        String,
        LocalFileSystem,
        RemoteFileSystem,
        SlackWebhook,
        CustomWebhookNotificationBlock,
        Webhook,
    ]


@hookimpl
def register_commands(cli: click.Group) -> None:
    # lazy: the command's module imports pydantic and the block types; load it when it runs
    cli.add_lazy_command("block", "headrace.cli.block_cmd:block")
