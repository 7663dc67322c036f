"""P117: imports from the 1.x task library (`prefect.tasks.*`) point to the integration
package that replaces them; integration plugins may add rules that rewrite them."""

from __future__ import annotations

from headrace.migrate.names import dotted_name
from headrace.migrate.rule import PHASE_1X_DETAILS, Rule

_HANDLED_ELSEWHERE = (
    "prefect.tasks.secrets",
    "prefect.tasks.control_flow",
    "prefect.tasks.core",
    "prefect.tasks.prefect",  # P118
)
_PACKAGES = {
    "aws": "headrace_aws (S3Bucket, AwsCredentials)",
    "gcp": "headrace_gcp (GcsBucket, GcpCredentials)",
    "snowflake": "headrace_snowflake (SnowflakeConnector, snowflake_query)",
    "notifications": "headrace_slack (SlackWebhook); other notifications: send from a task",
    "dbt": "headrace_dbt",
    "shell": "a @task that runs subprocess.run(...)",
    "prefect": "a direct call of the child @flow function, or run_deployment(name=...)",
}


class TaskLibrary(Rule):
    code = "P117"
    name = "task-library"
    summary = "1.x task library imports (`prefect.tasks.aws`, ...) -> TODO naming the replacement"
    phase = PHASE_1X_DETAILS
    triggers = ("prefect.tasks.",)
    todo_notes = (
        "every task library import: 1.x task classes are configured, then called; their "
        "replacements are functions or blocks."
    )

    def leave_ImportFrom(self, original_node, updated_node):
        module = dotted_name(updated_node.module) if updated_node.module else ""
        if not module or updated_node.relative or not module.startswith("prefect.tasks."):
            return updated_node
        if module.startswith(_HANDLED_ELSEWHERE):
            return updated_node
        family = module.split(".")[2]
        hint = _PACKAGES.get(family, "the matching integration package or plain Python in a @task")
        self.todo(f"{module} is gone: use {hint}")
        return updated_node
