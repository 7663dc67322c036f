"""Tasks for dbt commands, named and shaped as prefect-dbt's (`trigger_dbt_cli_command`,
`run_dbt_build`, ...), plus `select`, `exclude`, `vars` and `raise_on_failure`.

headrace has no artifacts: `create_summary_artifact=True` logs the summary table to the
task run instead, under `summary_artifact_key`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from headrace import Task, get_run_logger, task
from headrace_dbt.profiles import DbtCliProfile
from headrace_dbt.results import DbtCommandResult
from headrace_dbt.runner import invoke_dbt


def _run(
    command: str,
    *,
    summary_key: str | None,
    create_summary_artifact: bool,
    **options: Any,
) -> DbtCommandResult:
    try:
        result = invoke_dbt(command, **options)
    except Exception as exc:
        failed = getattr(exc, "result", None)
        if create_summary_artifact and failed is not None:
            get_run_logger().error(f"{summary_key}:\n{failed.summary()}")
        raise
    if create_summary_artifact:
        get_run_logger().info(f"{summary_key}:\n{result.summary()}")
    return result


@task(name="trigger_dbt_cli_command")
def trigger_dbt_cli_command(
    command: str,
    profiles_dir: str | Path | None = None,
    project_dir: str | Path | None = None,
    overwrite_profiles: bool = False,
    dbt_cli_profile: DbtCliProfile | None = None,
    create_summary_artifact: bool = False,
    summary_artifact_key: str = "dbt-cli-command-summary",
    extra_command_args: Sequence[str] | None = None,
    stream_output: bool = True,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    vars: Mapping[str, Any] | None = None,
    raise_on_failure: bool = True,
) -> DbtCommandResult:
    """Run any dbt command (`"dbt run --full-refresh"`, `"debug"`, ...)."""
    return _run(
        command,
        summary_key=summary_artifact_key,
        create_summary_artifact=create_summary_artifact,
        profiles_dir=profiles_dir,
        project_dir=project_dir,
        overwrite_profiles=overwrite_profiles,
        dbt_cli_profile=dbt_cli_profile,
        extra_command_args=extra_command_args,
        stream_output=stream_output,
        select=select,
        exclude=exclude,
        vars=vars,
        raise_on_failure=raise_on_failure,
    )


@task(name="atrigger_dbt_cli_command")
async def atrigger_dbt_cli_command(
    command: str,
    profiles_dir: str | Path | None = None,
    project_dir: str | Path | None = None,
    overwrite_profiles: bool = False,
    dbt_cli_profile: DbtCliProfile | None = None,
    create_summary_artifact: bool = False,
    summary_artifact_key: str = "dbt-cli-command-summary",
    extra_command_args: Sequence[str] | None = None,
    stream_output: bool = True,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    vars: Mapping[str, Any] | None = None,
    raise_on_failure: bool = True,
) -> DbtCommandResult:
    """`trigger_dbt_cli_command` for async flows: dbt runs in a worker thread (it has no
    async API), so the event loop stays free."""
    return await asyncio.to_thread(
        _run,
        command,
        summary_key=summary_artifact_key,
        create_summary_artifact=create_summary_artifact,
        profiles_dir=profiles_dir,
        project_dir=project_dir,
        overwrite_profiles=overwrite_profiles,
        dbt_cli_profile=dbt_cli_profile,
        extra_command_args=extra_command_args,
        stream_output=stream_output,
        select=select,
        exclude=exclude,
        vars=vars,
        raise_on_failure=raise_on_failure,
    )


def _command_task(
    command: str, task_name: str, summary_key: str, doc: str
) -> Task[..., DbtCommandResult]:
    """A task running `dbt <command>` with the shared options."""

    def run_command(
        profiles_dir: str | Path | None = None,
        project_dir: str | Path | None = None,
        overwrite_profiles: bool = False,
        dbt_cli_profile: DbtCliProfile | None = None,
        create_summary_artifact: bool = False,
        summary_artifact_key: str = summary_key,
        extra_command_args: Sequence[str] | None = None,
        stream_output: bool = True,
        select: str | Sequence[str] | None = None,
        exclude: str | Sequence[str] | None = None,
        vars: Mapping[str, Any] | None = None,
        raise_on_failure: bool = True,
    ) -> DbtCommandResult:
        return _run(
            command,
            summary_key=summary_artifact_key,
            create_summary_artifact=create_summary_artifact,
            profiles_dir=profiles_dir,
            project_dir=project_dir,
            overwrite_profiles=overwrite_profiles,
            dbt_cli_profile=dbt_cli_profile,
            extra_command_args=extra_command_args,
            stream_output=stream_output,
            select=select,
            exclude=exclude,
            vars=vars,
            raise_on_failure=raise_on_failure,
        )

    run_command.__name__ = run_command.__qualname__ = task_name
    run_command.__doc__ = doc
    return task(run_command, name=task_name)


run_dbt_build = _command_task(
    "build",
    "run_dbt_build",
    "dbt-build-task-summary",
    "Run `dbt build`: seeds, models, snapshots and tests in DAG order.",
)
run_dbt_model = _command_task(
    "run", "run_dbt_model", "dbt-run-task-summary", "Run `dbt run`: build the selected models."
)
run_dbt_test = _command_task(
    "test",
    "run_dbt_test",
    "dbt-test-task-summary",
    "Run `dbt test`: the selected data and unit tests.",
)
run_dbt_seed = _command_task(
    "seed", "run_dbt_seed", "dbt-seed-task-summary", "Run `dbt seed`: load the CSV seeds."
)
run_dbt_snapshot = _command_task(
    "snapshot",
    "run_dbt_snapshot",
    "dbt-snapshot-task-summary",
    "Run `dbt snapshot`: record changes.",
)
