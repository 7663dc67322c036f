"""Run dbt Core from headrace flows: each dbt node a task run, failures fail the flow.

Importing this package does not import dbt; the first command does.
"""

from headrace_dbt.commands import (
    atrigger_dbt_cli_command,
    run_dbt_build,
    run_dbt_model,
    run_dbt_seed,
    run_dbt_snapshot,
    run_dbt_test,
    trigger_dbt_cli_command,
)
from headrace_dbt.configs import DuckDBTargetConfigs, TargetConfigs
from headrace_dbt.profiles import DbtCliProfile
from headrace_dbt.results import DbtCommandFailed, DbtCommandResult, DbtNodeResult
from headrace_dbt.runner import invoke_dbt

__all__ = [
    "atrigger_dbt_cli_command",
    "DbtCliProfile",
    "DbtCommandFailed",
    "DbtCommandResult",
    "DbtNodeResult",
    "DuckDBTargetConfigs",
    "TargetConfigs",
    "invoke_dbt",
    "run_dbt_build",
    "run_dbt_model",
    "run_dbt_seed",
    "run_dbt_snapshot",
    "run_dbt_test",
    "trigger_dbt_cli_command",
]
