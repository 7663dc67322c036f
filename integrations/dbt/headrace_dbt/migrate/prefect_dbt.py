"""prefect-dbt names headrace_dbt does not provide get a TODO.

The import root itself (`prefect_dbt` -> `headrace_dbt`) is moved by headrace migrate for
every integration, and headrace_dbt keeps prefect-dbt's module paths (`.cli.commands`,
`.cli.credentials`, `.cli.configs`); this rule only points at what has no equivalent.
"""

from __future__ import annotations

import libcst as cst

from headrace.migrate import PHASE_2X, Rule, dotted_name

_MISSING = {
    "DbtCoreOperation": "use trigger_dbt_cli_command(command) once per command",
    "GlobalConfigs": "set dbt flags in dbt_project.yml (`flags:`) or extra_command_args",
    "PrefectDbtRunner": "use invoke_dbt(args, project_dir=..., raise_on_failure=...)",
    "PrefectDbtSettings": "pass project_dir/profiles_dir to invoke_dbt or the run_dbt_* tasks",
    "run_dbt_source_freshness": "use trigger_dbt_cli_command('source freshness')",
}
_ADAPTER_CONFIGS = ("SnowflakeTargetConfigs", "BigQueryTargetConfigs", "PostgresTargetConfigs")


class PrefectDbtImports(Rule):
    code = "DBT201"
    name = "prefect-dbt-imports"
    summary = "prefect_dbt names without a headrace_dbt equivalent -> TODO with the replacement"
    phase = PHASE_2X
    triggers = ("prefect_dbt", "headrace_dbt")
    todo_notes = "dbt Cloud, DbtCoreOperation, GlobalConfigs, adapter-specific target configs."

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        module = dotted_name(updated_node.module) if updated_node.module else None
        if (
            updated_node.relative
            or not module
            or module.split(".")[0]
            not in (
                "prefect_dbt",
                "headrace_dbt",
            )
        ):
            return updated_node
        if module.split(".")[1:2] == ["cloud"]:
            self.todo("dbt Cloud is not supported by headrace_dbt: call its API from a @task")
            return updated_node
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        for alias in updated_node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else ""
            if name in _MISSING:
                self.todo(f"{name} is not in headrace_dbt: {_MISSING[name]}")
            elif name in _ADAPTER_CONFIGS or name.startswith("MySql"):
                self.todo(
                    f"{name} is not in headrace_dbt: use TargetConfigs(type=..., "
                    "schema=..., extras={...}, secrets={...})"
                )
        return updated_node
