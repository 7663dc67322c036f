"""The table of legacy Prefect modules and names and what each becomes.

Three kinds of entries, all spelled with `prefect` (the target decides whether the
output says `headrace` or `prefect`):

- `MODULE_MOVES`: 0.15-era module paths -> their 1.x home. Imports are read through this
  table before any rule runs, so every rule sees one spelling.
- `NAME_MOVES`: legacy names with a current equivalent -> that name. Rewritten in place
  (P101); the same table feeds the import reading, so later rules see the new name.
- `REMOVED_1X` / `REMOVED_2X`: prefixes with no equivalent -> what to do instead. Their
  imports are removed when the target lacks them (P300), and each use gets a TODO
  (P199 / P299).

`tests/migrate/test_migrate_names_table.py` checks every target name against Prefect's
public names (`prefect_names.txt`) and, by migrating an import of each legacy name,
against headrace's real module tree: a name headrace does not have (yet) is removed by
P300 with a TODO at each use instead of being imported.
"""

from __future__ import annotations

MODULE_MOVES = {
    "prefect.engine.executors": "prefect.executors",
    "prefect.engine.executors.dask": "prefect.executors",
    "prefect.engine.executors.local": "prefect.executors",
    "prefect.executors.dask": "prefect.executors",
    "prefect.executors.local": "prefect.executors",
    "prefect.utilities.exceptions": "prefect.exceptions",
    "prefect.core.tasks": "prefect",
    "prefect.utilities.logging": "prefect.logging",
    "prefect.storage.github": "prefect.storage",
    "prefect.storage.gcs": "prefect.storage",
    "prefect.storage.s3": "prefect.storage",
    "prefect.storage.docker": "prefect.storage",
    "prefect.storage.local": "prefect.storage",
    "prefect.storage.module": "prefect.storage",
    "prefect.run_configs.kubernetes": "prefect.run_configs",
    "prefect.run_configs.docker": "prefect.run_configs",
    "prefect.run_configs.local": "prefect.run_configs",
    "prefect.run_configs.ecs": "prefect.run_configs",
    "prefect.run_configs.universal": "prefect.run_configs",
    "prefect.run_configs.vertex": "prefect.run_configs",
    "prefect.engine.results.local_result": "prefect.engine.results",
    "prefect.engine.results.s3_result": "prefect.engine.results",
    "prefect.engine.results.gcs_result": "prefect.engine.results",
    "prefect.engine.results.prefect_result": "prefect.engine.results",
    "prefect.schedules.schedules": "prefect.schedules",
    "prefect.core.flow": "prefect",
    "prefect.core.task": "prefect",
    "prefect.core.parameter": "prefect",
    "prefect.core.edge": "prefect.utilities.edges",
    "prefect.utilities.tasks": "prefect",
    "prefect.agent.local": "prefect.agent",
    "prefect.tasks.prefect.flow_run": "prefect.tasks.prefect",
    "prefect.infrastructure.docker": "prefect.infrastructure",
    "prefect.infrastructure.kubernetes": "prefect.infrastructure",
    "prefect.infrastructure.process": "prefect.infrastructure",
    "prefect.deployments.deployments": "prefect.deployments",
}
_STATES_SAME_NAME = (
    "Pending",
    "Running",
    "Failed",
    "Cancelled",
    "Cancelling",
    "Scheduled",
    "Retrying",
    "Paused",
    "State",
)
NAME_MOVES = {
    "prefect.utilities.edges.unmapped": "prefect.unmapped",
    "prefect.utilities.context.context": "prefect.context",
    "prefect.engine.state.Success": "prefect.states.Completed",
    **{f"prefect.engine.state.{n}": f"prefect.states.{n}" for n in _STATES_SAME_NAME},
    "prefect.exceptions.PrefectError": "prefect.exceptions.PrefectException",
    "prefect.backend.create_markdown_artifact": "prefect.artifacts.create_markdown_artifact",
    "prefect.backend.create_link_artifact": "prefect.artifacts.create_link_artifact",
    "prefect.artifacts.create_markdown": "prefect.artifacts.create_markdown_artifact",
    "prefect.artifacts.create_link": "prefect.artifacts.create_link_artifact",
}
# names P202/P201 handle themselves (moved within 2.x/3.x) are kept in those rules

REMOVED_1X = {
    "prefect.Parameter": "Parameters are arguments of the @flow function now",
    "prefect.DateTimeParameter": "Parameters are arguments of the @flow function now",
    "prefect.case": "conditional tasks are if/else in the flow function now",
    "prefect.tasks.control_flow": "case/merge/ifelse/switch are if/else in the flow function now",
    "prefect.utilities.edges": "mapped/flatten: map over Python lists; unmapped comes from prefect",
    "prefect.mapped": "mapped/flatten: map over Python lists",
    "prefect.flatten": "flatten: flatten the list of results yourself",
    "prefect.apply_map": "apply_map: call .map() / loop in the flow function",
    "prefect.resource_manager": "resource managers are context managers used in the flow",
    "prefect.defaults_from_attrs": "task classes are functions now: use default arguments",
    "prefect.engine.signals": "raise an exception or return a state from prefect.states",
    "prefect.engine.state": "1.x State classes: use prefect.states (Completed, Failed, ...)",
    "prefect.engine.results": "use persist_result= and result_storage= on the task",
    "prefect.engine.result": "use persist_result= and result_storage= on the task",
    "prefect.engine.serializers": "use result_serializer= on the task",
    "prefect.engine.cache_validators": "use cache_policy= (prefect.cache_policies)",
    "prefect.engine.flow_runner": "call the @flow function to run it",
    "prefect.engine.task_runner": "call the @task function to run it",
    "prefect.triggers": "triggers: pass allow_failure(...) inputs or branch on return_state=True",
    "prefect.Client": "the 1.x Client is gone: use get_client() for the API",
    "prefect.client.Client": "the 1.x Client is gone: use get_client() for the API",
    "prefect.client.client": "the 1.x Client is gone: use get_client() for the API",
    "prefect.client.Secret": "use prefect.blocks.system.Secret.load(...).get()",
    "prefect.client.secrets": "use prefect.blocks.system.Secret.load(...).get()",
    "prefect.storage": "flow storage is deployment config: flow.from_source(...).deploy(...)",
    "prefect.run_configs": "run configs are work pools + job_variables= on deploy()",
    "prefect.executors": "use task_runner= on @flow (ThreadPoolTaskRunner, ProcessPoolTaskRunner)",
    "prefect.schedules.clocks": "use Cron/Interval/RRule from prefect.schedules",
    "prefect.schedules.filters": "schedule filters have no equivalent",
    "prefect.schedules.adjustments": "schedule adjustments have no equivalent",
    "prefect.schedules.IntervalSchedule": "use Interval from prefect.schedules",
    "prefect.schedules.CronSchedule": "use Cron from prefect.schedules",
    "prefect.tasks.prefect": "call the child @flow directly or run_deployment(name=...)",
    "prefect.agent": "agents are workers (prefect worker start --pool ...) or flow.serve()",
    "prefect.backend": "the 1.x backend API is gone: use get_client() / Variable",
    "prefect.environments": "environments are deployments with a work pool now",
    "prefect.utilities.notifications": "notifications are on_failure= hooks or automations now",
    "prefect.utilities.configuration": "settings are PREFECT_* settings / environment variables",
    "prefect.utilities.graphql": "the 1.x GraphQL API is gone: use get_client()",
    "prefect.config": "1.x config is gone: use settings (prefect.settings) or Variables",
    "prefect.serialization": "1.x serialization schemas are gone",
    "prefect.core": "1.x core classes: use @flow / @task functions",
}
#: removed names that Prefect 3 still ships as a stub which raises when used
STUBS_IN_PREFECT = frozenset({"prefect.agent", "prefect.infrastructure"})
_DEPLOY = "Deployment is gone: use flow.deploy(...) or flow.serve(...)"
REMOVED_2X = {
    "prefect.deployments.Deployment": _DEPLOY,
    "prefect.deployments.DeploymentSpec": _DEPLOY,
    "prefect.infrastructure": "infrastructure blocks are work pools (+ job_variables=) now",
    "prefect.flow_runners": "flow runners are work pools now",
    "prefect.orion": "prefect.orion is prefect.server (server internals) now",
    "prefect.filesystems.S3": "use headrace_aws S3Bucket (flow.from_source(...) for code storage)",
    "prefect.filesystems.GCS": "use headrace_gcp GcsBucket (flow.from_source(...) for code)",
    "prefect.filesystems.Azure": "use an Azure storage block from an integration package",
    "prefect.filesystems.GitHub": 'use flow.from_source("https://github.com/...", entrypoint=...)',
    "prefect.blocks.system.JSON": "JSON blocks are gone: use Variable.get(...)",
    "prefect.blocks.system.String": "String blocks are gone: use Variable.get(...)",
    "prefect.blocks.system.DateTime": "DateTime blocks are gone: use Variable.get(...)",
    "prefect.packaging": "packagers are gone: deploy with flow.from_source(...) or an image",
    "prefect.task_runners.SequentialTaskRunner": "use ThreadPoolTaskRunner(max_workers=1)",
}
