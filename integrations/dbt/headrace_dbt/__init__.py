"""Run dbt Core from headrace flows: each dbt node a task run, failures fail the flow.

Importing this package does not import dbt; the first command does.
"""

from importlib.metadata import version

from headrace.utilities.lazy import lazy_exports

__version__ = version("headrace-dbt")  # written once, in pyproject.toml

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        "DbtCliProfile": "headrace_dbt.profiles",
        "DbtCommandFailed": "headrace_dbt.results",
        "DbtCommandResult": "headrace_dbt.results",
        "DbtNodeResult": "headrace_dbt.results",
        "DuckDBTargetConfigs": "headrace_dbt.configs",
        "TargetConfigs": "headrace_dbt.configs",
        "atrigger_dbt_cli_command": "headrace_dbt.commands",
        "invoke_dbt": "headrace_dbt.runner",
        "run_dbt_build": "headrace_dbt.commands",
        "run_dbt_model": "headrace_dbt.commands",
        "run_dbt_seed": "headrace_dbt.commands",
        "run_dbt_snapshot": "headrace_dbt.commands",
        "run_dbt_test": "headrace_dbt.commands",
        "trigger_dbt_cli_command": "headrace_dbt.commands",
    },
)
