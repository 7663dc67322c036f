"""Built-in plugin adding the operations commands (limits, work pools, deployments, workers)."""

from __future__ import annotations

import click

from headrace.plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    # the command modules import the runtime; loading this plugin (e.g. to find a
    # serializer while a flow runs) must not
    from headrace.cli import (
        concurrency_limit_cmd,
        deployment_cmd,
        global_concurrency_limit_cmd,
        work_pool_cmd,
        worker_cmd,
    )

    cli.add_command(concurrency_limit_cmd.concurrency_limit)
    cli.add_command(global_concurrency_limit_cmd.gcl)
    cli.add_command(global_concurrency_limit_cmd.gcl, name="global-concurrency-limit")
    cli.add_command(work_pool_cmd.work_pool)
    cli.add_command(deployment_cmd.deployment)
    cli.add_command(worker_cmd.worker)
