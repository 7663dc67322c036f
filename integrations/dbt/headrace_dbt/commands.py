"""Tasks for dbt commands, named and shaped as prefect-dbt's (`trigger_dbt_cli_command`,
`run_dbt_build`, ...), plus `select`, `exclude`, `vars` and `raise_on_failure`.

All seven are made by one factory, `_dbt_task`, and share one list of options (the
signature of `_run`), so a new option is added in one place. headrace has no artifacts:
`create_summary_artifact=True` logs the summary table to the task run instead, under
`summary_artifact_key`.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from headrace import Task, get_run_logger, task
from headrace_dbt.profiles import DbtCliProfile
from headrace_dbt.results import DbtCommandResult
from headrace_dbt.runner import invoke_dbt


def _run(
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
    """What every dbt task does; its signature is theirs (see `_signature`)."""
    try:
        result = invoke_dbt(
            command,
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
    except Exception as exc:
        failed = getattr(exc, "result", None)
        if create_summary_artifact and failed is not None:
            get_run_logger().error(f"{summary_artifact_key}:\n{failed.summary()}")
        raise
    if create_summary_artifact:
        get_run_logger().info(f"{summary_artifact_key}:\n{result.summary()}")
    return result


def _signature(summary_key: str, takes_command: bool) -> inspect.Signature:
    """`_run`'s signature with this task's summary key, without `command` for a task that
    runs a fixed one."""
    template = inspect.signature(_run)
    parameters = [
        param.replace(default=summary_key) if param.name == "summary_artifact_key" else param
        for param in template.parameters.values()
        if takes_command or param.name != "command"
    ]
    return template.replace(parameters=parameters)


def _dbt_task(
    name: str,
    summary_key: str,
    doc: str,
    command: str | None = None,
    is_async: bool = False,
) -> Task[..., DbtCommandResult]:
    """A task running `dbt <command>` (or the `command` it is given, when None) with the
    shared options; an async one runs dbt in a worker thread (dbt has no async API), so
    the event loop stays free."""
    signature = _signature(summary_key, takes_command=command is None)

    def arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return {"command": command, **bound.arguments}

    if is_async:

        async def run(*args: Any, **kwargs: Any) -> DbtCommandResult:
            return await asyncio.to_thread(_run, **arguments(args, kwargs))

    else:

        def run(*args: Any, **kwargs: Any) -> DbtCommandResult:
            return _run(**arguments(args, kwargs))

    run.__name__ = run.__qualname__ = name
    run.__doc__ = doc
    run.__signature__ = signature  # type: ignore[attr-defined]
    return task(run, name=name)


trigger_dbt_cli_command = _dbt_task(
    "trigger_dbt_cli_command",
    "dbt-cli-command-summary",
    'Run any dbt command (`"dbt run --full-refresh"`, `"debug"`, ...).',
)
atrigger_dbt_cli_command = _dbt_task(
    "atrigger_dbt_cli_command",
    "dbt-cli-command-summary",
    "`trigger_dbt_cli_command` for async flows: dbt runs in a worker thread.",
    is_async=True,
)
run_dbt_build = _dbt_task(
    "run_dbt_build",
    "dbt-build-task-summary",
    "Run `dbt build`: seeds, models, snapshots and tests in DAG order.",
    "build",
)
run_dbt_model = _dbt_task(
    "run_dbt_model", "dbt-run-task-summary", "Run `dbt run`: build the selected models.", "run"
)
run_dbt_test = _dbt_task(
    "run_dbt_test",
    "dbt-test-task-summary",
    "Run `dbt test`: the selected data and unit tests.",
    "test",
)
run_dbt_seed = _dbt_task(
    "run_dbt_seed", "dbt-seed-task-summary", "Run `dbt seed`: load the CSV seeds.", "seed"
)
run_dbt_snapshot = _dbt_task(
    "run_dbt_snapshot",
    "dbt-snapshot-task-summary",
    "Run `dbt snapshot`: record changes.",
    "snapshot",
)
