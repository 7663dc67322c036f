"""The dbt tasks share one option list, and each keeps prefect-dbt's name, parameters
and summary key (what `inspect.signature` and a task run's parameters show)."""

from __future__ import annotations

import inspect

import pytest

from headrace_dbt import (
    atrigger_dbt_cli_command,
    run_dbt_build,
    run_dbt_model,
    run_dbt_seed,
    run_dbt_snapshot,
    run_dbt_test,
    trigger_dbt_cli_command,
)

OPTIONS = [
    "profiles_dir",
    "project_dir",
    "overwrite_profiles",
    "dbt_cli_profile",
    "create_summary_artifact",
    "summary_artifact_key",
    "extra_command_args",
    "stream_output",
    "select",
    "exclude",
    "vars",
    "raise_on_failure",
]


@pytest.mark.parametrize(
    ("dbt_task", "summary_key"),
    [
        (run_dbt_build, "dbt-build-task-summary"),
        (run_dbt_model, "dbt-run-task-summary"),
        (run_dbt_test, "dbt-test-task-summary"),
        (run_dbt_seed, "dbt-seed-task-summary"),
        (run_dbt_snapshot, "dbt-snapshot-task-summary"),
    ],
)
def test_command_tasks_share_the_options(dbt_task, summary_key) -> None:
    parameters = inspect.signature(dbt_task.fn).parameters
    assert list(parameters) == OPTIONS
    assert parameters["summary_artifact_key"].default == summary_key
    assert dbt_task.name == dbt_task.fn.__name__


@pytest.mark.parametrize("dbt_task", [trigger_dbt_cli_command, atrigger_dbt_cli_command])
def test_trigger_tasks_take_the_command_first(dbt_task) -> None:
    parameters = inspect.signature(dbt_task.fn).parameters
    assert list(parameters) == ["command", *OPTIONS]
    assert parameters["summary_artifact_key"].default == "dbt-cli-command-summary"


def test_only_the_async_trigger_is_a_coroutine_function() -> None:
    assert inspect.iscoroutinefunction(atrigger_dbt_cli_command.fn)
    assert not inspect.iscoroutinefunction(trigger_dbt_cli_command.fn)


def test_unknown_options_are_refused_before_dbt_runs() -> None:
    with pytest.raises(TypeError, match="full_refresh"):
        run_dbt_build.fn(full_refresh=True)
