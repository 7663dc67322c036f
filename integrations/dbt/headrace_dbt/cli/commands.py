"""`prefect_dbt.cli.commands` as headrace_dbt provides it."""

from headrace_dbt.commands import (
    atrigger_dbt_cli_command,
    run_dbt_build,
    run_dbt_model,
    run_dbt_seed,
    run_dbt_snapshot,
    run_dbt_test,
    trigger_dbt_cli_command,
)

__all__ = [
    "atrigger_dbt_cli_command",
    "run_dbt_build",
    "run_dbt_model",
    "run_dbt_seed",
    "run_dbt_snapshot",
    "run_dbt_test",
    "trigger_dbt_cli_command",
]
