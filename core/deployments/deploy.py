"""`flow.deploy` / `deploy`: deployment records for workers, and `run_deployment`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Unpack

from headrace.deployments import records
from headrace.deployments.deployment import DeploymentOptions, RunnerDeployment, to_deployment
from headrace.deployments.loading import EntrypointError, load_flow
from headrace.exceptions import ObjectNotFound, ParameterBindError, ParameterTypeError
from headrace.runner.storage import LocalStorage
from headrace.secret_parameters import masked_parameters, open_parameters, seal_parameters
from headrace.states import State
from headrace.utilities import clock


def deploy(
    *deployments: RunnerDeployment,
    work_pool_name: str | None = None,
    print_next_steps_message: bool = True,
    **_ignored: Any,
) -> list[str]:
    """Save deployments for a work pool; a worker of that pool runs them. Returns their ids.

    Image, build and push options of Prefect are accepted and ignored: a process worker
    imports the flow from its entrypoint on this machine.
    """
    ids = []
    for deployment in deployments:
        deployment.work_pool_name = deployment.work_pool_name or work_pool_name
        if deployment.work_pool_name is None:
            raise ValueError(
                f"deployment {deployment.name!r} needs a work pool: pass work_pool_name="
            )
        if deployment.storage is not None and not isinstance(deployment.storage, LocalStorage):
            raise ValueError(
                f"deployment {deployment.name!r}: a work pool's workers import flows from "
                f"this machine's files, not from {deployment.storage!r}; check the code out "
                "here and deploy from that directory, or serve the flow (flow.serve)"
            )
        if deployment.entrypoint is None:
            raise EntrypointError(
                f"flow {deployment.flow_name!r} has no importable entrypoint; define it at "
                "the top level of a file"
            )
        ids.append(deployment.apply())
    if print_next_steps_message and deployments:
        pools = sorted({d.work_pool_name for d in deployments if d.work_pool_name})
        print("To execute flow runs from these deployments, start a worker:", flush=True)
        for pool in pools:
            print(f"  $ headrace worker start --pool {pool}", flush=True)
        for d in deployments:
            print(f"  $ headrace deployment run '{d.flow_name}/{d.name}'", flush=True)
    return ids


async def adeploy(
    *deployments: RunnerDeployment,
    work_pool_name: str | None = None,
    print_next_steps_message: bool = True,
    **ignored: Any,
) -> list[str]:
    """`deploy` from async code (the store calls run in a worker thread)."""
    import asyncio

    return await asyncio.to_thread(
        deploy,
        *deployments,
        work_pool_name=work_pool_name,
        print_next_steps_message=print_next_steps_message,
        **ignored,
    )


def deploy_flow(
    flow: Any,
    name: str,
    work_pool_name: str | None = None,
    *,
    print_next_steps: bool = True,
    **options: Unpack[DeploymentOptions],
) -> str:
    """`Flow.deploy`: save a deployment of this flow for `work_pool_name`; returns its id;
    `options` are `DeploymentOptions`."""
    if work_pool_name is None:
        raise ValueError(
            "flow.deploy() needs work_pool_name (create one: headrace work-pool create)"
        )
    try:
        records.get_work_pool(work_pool_name)
    except ObjectNotFound:
        raise ValueError(
            f"Could not find work pool {work_pool_name!r}. Create it with "
            f"`headrace work-pool create {work_pool_name} --type process`."
        ) from None
    deployment = to_deployment(flow, name=name, work_pool_name=work_pool_name, **options)
    return deploy(deployment, print_next_steps_message=print_next_steps)[0]


@dataclass
class DeploymentFlowRun:
    """A deployment's flow run as stored (what `run_deployment` returns)."""

    id: str
    name: str
    deployment_id: str
    parameters: dict[str, Any]
    state_type: str
    state_name: str
    state_message: str | None

    @property
    def state(self) -> Any:
        return State(self.state_type, name=self.state_name, message=self.state_message)

    @classmethod
    def load(cls, run_id: str) -> DeploymentFlowRun:
        row = records.run_row(run_id)
        assert row is not None, run_id
        return cls(
            id=row["id"],
            name=row["name"],
            deployment_id=row["deployment_id"],
            parameters=masked_parameters(row["parameters"]),
            state_type=row["state_type"],
            state_name=row["state_name"],
            state_message=row["state_message"],
        )


def check_parameters(
    record: records.DeploymentRecord, parameters: dict[str, Any]
) -> dict[str, Any]:
    """The run's parameters (deployment defaults overridden by `parameters`), validated
    against the flow: unknown names, missing required ones and values that fail the flow's
    type annotations raise `RunRejected`; a flow that does not load raises too."""
    merged = {**record.parameters, **parameters}
    names = record.parameter_names
    unknown = [] if names is None else sorted(set(merged) - set(names))
    if unknown:
        raise records.RunRejected(
            f"Flow {record.flow_name!r} has no parameter(s) {', '.join(unknown)}; "
            f"it takes: {', '.join(names or []) or 'none'}"
        )
    if record.entrypoint is None:
        return merged
    try:
        flow = load_flow(record.path, record.entrypoint)
    except EntrypointError as exc:
        raise records.RunRejected(f"Flow could not be loaded: {exc}") from exc
    try:
        opened = open_parameters(merged, f"deployment {record.full_name!r}")
        flow.validate_parameters(flow.signature.bind((), opened))
    except (ParameterBindError, ParameterTypeError, TypeError) as exc:
        raise records.RunRejected(
            f"Validation of flow parameters failed with error: {exc}"
        ) from exc
    return merged


def run_deployment(
    name: str,
    parameters: dict[str, Any] | None = None,
    scheduled_time: Any = None,
    timeout: float | None = None,
    poll_interval: float = 0.2,
    validate: bool = True,
    **_ignored: Any,
) -> DeploymentFlowRun:
    """Ask for a run of a deployment (`FLOW/DEPLOYMENT` or id) and, unless `timeout=0`,
    wait until it ends (at most `timeout` seconds; None waits for ever).

    A run whose parameters are invalid or whose flow does not load is recorded as Failed
    with the reason, and `RunRejected` is raised. A worker of the deployment's pool (or
    the serve process serving it) runs the flow.
    """
    record = records.get_deployment(name)
    if record.work_pool_name is not None:
        records.get_work_pool(record.work_pool_name)
    when = clock.now() if scheduled_time is None else _timestamp(scheduled_time)
    # secrets given for this run are stored encrypted, like the deployment's defaults
    parameters = seal_parameters(dict(parameters or {}), f"a run of deployment {name!r}")
    try:
        merged = check_parameters(record, parameters) if validate else parameters
    except records.RunRejected as exc:
        records.create_flow_run(
            record, {**record.parameters, **parameters}, when, failed_message=str(exc)
        )
        raise
    run_id = records.create_flow_run(record, merged, when)
    if timeout == 0:
        return DeploymentFlowRun.load(run_id)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        run = DeploymentFlowRun.load(run_id)
        if _done_waiting(run, deadline):
            return run
        time.sleep(poll_interval)


async def arun_deployment(
    name: str,
    parameters: dict[str, Any] | None = None,
    scheduled_time: Any = None,
    timeout: float | None = None,
    poll_interval: float = 0.2,
    validate: bool = True,
    **_ignored: Any,
) -> DeploymentFlowRun:
    """`run_deployment` for async code: the event loop keeps running while it waits."""
    import asyncio

    run = await asyncio.to_thread(
        run_deployment, name, parameters, scheduled_time, 0, poll_interval, validate
    )
    if timeout == 0:
        return run
    deadline = None if timeout is None else time.monotonic() + timeout
    while not _done_waiting(run, deadline):
        await asyncio.sleep(poll_interval)
        run = await asyncio.to_thread(DeploymentFlowRun.load, run.id)
    return run


def _done_waiting(run: DeploymentFlowRun, deadline: float | None) -> bool:
    return run.state_type in records.FINAL_STATES or (
        deadline is not None and time.monotonic() >= deadline
    )


def _timestamp(value: Any) -> float:
    return value.timestamp() if hasattr(value, "timestamp") else float(value)
