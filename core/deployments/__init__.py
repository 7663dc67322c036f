"""Deployments: `flow.serve`, `flow.to_deployment`, `flow.deploy`, `serve`, `deploy`,
`run_deployment` and loading flows from `path.py:function` entrypoints.

Deployments, work pools and their flow runs live in the store
(`headrace.deployments.records`); `headrace.workers` runs the deployments of a pool.
"""

from typing import Any

from headrace.deployments.deploy import (
    DeploymentFlowRun,
    adeploy,
    arun_deployment,
    deploy,
    deploy_flow,
    run_deployment,
)
from headrace.deployments.deployment import RunnerDeployment, to_deployment
from headrace.deployments.loading import EntrypointError, load_flow, load_flow_from_source
from headrace.deployments.records import RunRejected
from headrace.deployments.serving import Runner, aserve, serve, serve_flow

__all__ = [
    "DeploymentFlowRun",
    "EntrypointError",
    "Runner",
    "RunRejected",
    "RunnerDeployment",
    "adeploy",
    "arun_deployment",
    "aserve",
    "deploy",
    "deploy_flow",
    "load_flow",
    "load_flow_from_source",
    "run_deployment",
    "serve",
    "serve_flow",
    "to_deployment",
]


def __getattr__(name: str) -> Any:
    if name == "initialize_project":
        raise NotImplementedError(
            "headrace.deployments.initialize_project is not provided: Prefect 2's project "
            "scaffolding (prefect.yaml and build/push steps) has no headrace counterpart; "
            "deploy with flow.deploy() or flow.serve(). See docs/compatibility.md."
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
