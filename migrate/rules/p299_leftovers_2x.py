"""P299: 2.x names removed in 3.x that are still used after migration -> TODO."""

from __future__ import annotations

from headrace.migrate.rules.p199_leftovers_1x import Leftovers1x

_DEPLOY = "Deployment is gone: use flow.deploy(...) or flow.serve(...)"
LEGACY_2X = {
    "prefect.deployments.Deployment": "Deployment is gone: use flow.deploy(...) or flow.serve(...)",
    "prefect.deployments.deployments.Deployment": _DEPLOY,
    "prefect.deployments.DeploymentSpec": _DEPLOY,
    "prefect.infrastructure": "infrastructure blocks are work pools (+ job_variables=) now",
    "prefect.flow_runners": "flow runners are work pools now",
    "prefect.agent": "agents are workers now: prefect worker start --pool ...",
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


class Leftovers2x(Leftovers1x):
    code = "P299"
    name = "unsupported-2x"
    summary = "2.x names removed in 3.x still used after migration -> TODO"
    table = LEGACY_2X
    calls_only = {}
