"""Built-in CLI commands, registered like any plugin's."""

from __future__ import annotations

import click

from headrace import __version__
from headrace.plugins import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    # lazy: a command's module loads only when that command runs
    cli.add_command(version)
    cli.add_lazy_command("plugins", "headrace.cli.plugins_cmd:plugins")
    cli.add_lazy_command("runs", "headrace.cli.runs_cmd:runs")
    cli.add_lazy_command("variable", "headrace.cli.variables_cmd:variable")
    cli.add_lazy_command("store", "headrace.cli.store_cmd:store")
    cli.add_lazy_command("events", "headrace.cli.events_cmd:events")
    cli.add_lazy_command("automation", "headrace.cli.automation_cmd:automation")
    cli.add_lazy_command("task", "headrace.cli.task_cmd:task")
    cli.add_lazy_command("flow-run", "headrace.cli.flow_run_cmd:flow_run")
    cli.add_lazy_command("artifact", "headrace.cli.artifact_cmd:artifact")
    cli.add_lazy_command("flow", "headrace.cli.flow_cmd:flow")
    cli.add_lazy_command("task-run", "headrace.cli.task_run_cmd:task_run")
    cli.add_lazy_command("config", "headrace.cli.config_cmd:config")
    cli.add_lazy_command("profile", "headrace.cli.config_cmd:profile")
    cli.add_lazy_command("work-queue", "headrace.cli.work_queue_cmd:work_queue")
    cli.add_lazy_command("dashboard", "headrace.cli.dashboard_cmd:dashboard")
    # Prefect's groups headrace has no equivalent for: each says why and what to use
    for name in (
        "deploy",
        "init",
        "cloud",
        "shell",
        "api",
        "transfer",
        "experimental",
        "dev",
        "sdk",
    ):
        cli.add_lazy_command(name, f"headrace.cli.unavailable_cmd:{name}")


@click.command()
def version() -> None:
    """Print the headrace version."""
    import platform

    click.echo(f"headrace {__version__} (Python {platform.python_version()})")
