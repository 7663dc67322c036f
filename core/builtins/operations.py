"""Built-in plugin adding the operations commands (limits, work pools, deployments, workers)."""

from __future__ import annotations

import click

from headrace.plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    # lazy: the command modules import the runtime; they load only when their command runs
    for name, target in (
        ("concurrency-limit", "concurrency_limit_cmd:concurrency_limit"),
        ("gcl", "global_concurrency_limit_cmd:gcl"),
        ("global-concurrency-limit", "global_concurrency_limit_cmd:gcl"),
        ("work-pool", "work_pool_cmd:work_pool"),
        ("deployment", "deployment_cmd:deployment"),
        ("worker", "worker_cmd:worker"),
    ):
        cli.add_lazy_command(name, f"headrace.cli.{target}")
