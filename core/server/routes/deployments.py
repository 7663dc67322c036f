"""Deployments: read, filter, save, pause/resume, schedules, and the flow runs made for them.

Secret parameter defaults are stored encrypted with the client's key; a deployment read
through the API shows each of them as the mask (`**********`), as the CLI does. The
sealed form is added only when asked for with `include_encrypted=true`, for store
clients that hold the key and open the secrets when a run starts (`HEADRACE_API_URL`).
"""

from __future__ import annotations

import time
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from headrace.secret_parameters import masked_parameters
from headrace.server.routes.common import Router, found, plain, respond, store
from headrace.server.routes.flow_runs import StateTypeName
from headrace.store.interface import DeploymentRecord

router = Router(tags=["deployments"])


class DeploymentWrite(BaseModel):
    """A deployment to create or update (matched by flow name and name)."""

    model_config = ConfigDict(extra="forbid")

    id: str = ""
    name: str = Field(min_length=1)
    flow_name: str = Field(min_length=1)
    path: str | None = None
    entrypoint: str | None = None
    work_pool_name: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    parameter_names: list[str] | None = None
    tags: list[str] = Field(default_factory=list)
    description: str | None = None
    version: str | None = None
    schedules: list[dict[str, Any]] = Field(default_factory=list)
    paused: bool = False
    created: float | None = None
    updated: float | None = None


class DeploymentFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    work_pool_name: str | None = None
    flow_names: list[str] | None = None
    include_encrypted: bool = False


class Schedules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schedules: list[dict[str, Any]]


class RunState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: StateTypeName
    name: str
    message: str | None = None


class CreateFlowRun(BaseModel):
    """A run of the deployment: its default parameters overridden by `parameters`.

    With `check_parameter_names` (the default) a name the flow does not take is refused;
    the worker that runs it validates the values against the flow's signature.
    """

    model_config = ConfigDict(extra="forbid")

    parameters: dict[str, Any] = Field(default_factory=dict)
    scheduled_time: float | None = Field(None, description="Unix seconds; default now")
    state: RunState | None = None
    name: str | None = None
    tags: list[str] | None = None
    check_parameter_names: bool = True


class ScheduledSlots(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slots: list[tuple[float, dict[str, Any]]]


class DropRuns(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requested_too: bool = False


class DeploymentIds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deployment_ids: list[str]


class SkipMissed(DeploymentIds):
    now: float


class ClaimDue(DeploymentIds):
    claimer: str = Field(min_length=1)
    now: float
    limit: int | None = Field(None, ge=1)
    process: str


def _deployment(deployment_id: str) -> DeploymentRecord:
    return found(store().deployments.read(deployment_id), f"deployment {deployment_id!r}")


def deployment_out(record: DeploymentRecord, include_encrypted: bool) -> dict[str, Any]:
    """A deployment as the API shows it: sealed secret parameters masked unless asked for."""
    out = plain(record)
    if not include_encrypted:
        out["parameters"] = masked_parameters(out["parameters"])
    return out


@router.post("/deployments/filter")
def read_deployments(body: DeploymentFilter | None = None) -> JSONResponse:
    """Deployments by flow name, then name."""
    body = body or DeploymentFilter()
    records = store().deployments.list(body.work_pool_name, body.flow_names)
    return respond([deployment_out(record, body.include_encrypted) for record in records])


@router.put("/deployments")
def save_deployment(body: DeploymentWrite, include_encrypted: bool = False) -> JSONResponse:
    """Create or update a deployment; changing its schedules drops the runs the old
    schedules made that have not started."""
    from headrace.schedules import schedule_from_dict

    for schedule in body.schedules:
        schedule_from_dict(schedule)  # a bad schedule is a 422 now, not a broken scheduler later
    if body.work_pool_name is not None:
        found(store().deployments.read_work_pool(body.work_pool_name),
              f"work pool {body.work_pool_name!r}")  # fmt: skip
    saved = store().deployments.save(DeploymentRecord(**body.model_dump()))
    return respond(deployment_out(saved, include_encrypted))


@router.get("/deployments/name/{flow_name}/{name}")
def read_deployment_by_name(
    flow_name: str, name: str, include_encrypted: bool = False
) -> JSONResponse:
    record = found(
        store().deployments.read_by_name(flow_name, name), f"deployment {flow_name}/{name}"
    )
    return respond(deployment_out(record, include_encrypted))


@router.get("/deployments/{deployment_id}")
def read_deployment(deployment_id: str, include_encrypted: bool = False) -> JSONResponse:
    return respond(deployment_out(_deployment(deployment_id), include_encrypted))


@router.delete("/deployments/{deployment_id}")
def delete_deployment(deployment_id: str) -> dict[str, bool]:
    """Delete it and its runs that have not started (past runs stay)."""
    return {"deleted": store().deployments.delete(deployment_id)}


@router.post("/deployments/{deployment_id}/pause")
def pause_deployment(deployment_id: str) -> dict[str, bool]:
    """Stop scheduling new runs (runs already scheduled stay)."""
    return {"changed": store().deployments.set_paused(_deployment(deployment_id).id, True)}


@router.post("/deployments/{deployment_id}/resume")
def resume_deployment(deployment_id: str) -> dict[str, bool]:
    return {"changed": store().deployments.set_paused(_deployment(deployment_id).id, False)}


@router.put("/deployments/{deployment_id}/schedules")
def set_schedules(deployment_id: str, body: Schedules) -> JSONResponse:
    """Replace the deployment's schedules (JSON forms of `headrace.schedules` objects)."""
    from headrace.schedules import schedule_from_dict

    for schedule in body.schedules:
        schedule_from_dict(schedule)
    record = _deployment(deployment_id)
    record.schedules = body.schedules
    return respond(deployment_out(store().deployments.save(record), include_encrypted=False))


@router.post("/deployments/{deployment_id}/create_flow_run", status_code=201)
def create_flow_run(deployment_id: str, body: CreateFlowRun) -> JSONResponse:
    """A run of the deployment, Scheduled for `scheduled_time` (default now); a worker of
    its pool, or the `serve` process serving it, picks it up. Returns the run."""
    deployment = _deployment(deployment_id)
    parameters = {**deployment.parameters, **body.parameters}
    names = deployment.parameter_names
    if body.check_parameter_names and names is not None:
        unknown = sorted(set(parameters) - set(names))
        if unknown:
            raise ValueError(
                f"flow {deployment.flow_name!r} has no parameter(s) {', '.join(unknown)}; "
                f"it takes: {', '.join(names) or 'none'}"
            )
    state = (
        ("SCHEDULED", "Scheduled", None)
        if body.state is None
        else (body.state.type, body.state.name, body.state.message)
    )
    when = time.time() if body.scheduled_time is None else body.scheduled_time
    run_id = store().deployments.create_flow_run(
        deployment, parameters, when, state, body.name, body.tags
    )
    return respond(store().runs.read_flow_run(run_id), 201)


@router.post("/deployments/{deployment_id}/scheduled_runs")
def create_scheduled_runs(deployment_id: str, body: ScheduledSlots) -> list[str]:
    """Runs for (time, parameters) slots; a slot that already has a run is skipped."""
    deployment = _deployment(deployment_id)
    slots = [(when, parameters) for when, parameters in body.slots]
    return store().deployments.create_scheduled_runs(deployment, slots)


@router.post("/deployments/{deployment_id}/drop_unstarted_runs")
def drop_unstarted_runs(deployment_id: str, body: DropRuns | None = None) -> int:
    body = body or DropRuns()
    return store().deployments.drop_unstarted_runs(deployment_id, body.requested_too)


@router.get("/deployments/{deployment_id}/flow_runs")
def deployment_runs(deployment_id: str) -> JSONResponse:
    """The deployment's runs in scheduled order."""
    return respond(store().deployments.deployment_runs(deployment_id))


@router.post("/deployments/next_scheduled_time")
def next_scheduled_time(body: DeploymentIds) -> float | None:
    return store().deployments.next_scheduled_time(body.deployment_ids)


@router.post("/deployments/skip_missed_runs")
def skip_missed_runs(body: SkipMissed) -> int:
    return store().deployments.skip_missed_runs(body.deployment_ids, body.now)


@router.post("/deployments/claim_due_runs")
def claim_due_runs(body: ClaimDue) -> JSONResponse:
    """Atomically take due Scheduled runs: two claimers never get the same run."""
    claimed = store().deployments.claim_due_runs(
        body.deployment_ids, body.claimer, body.now, body.limit, body.process
    )
    return respond(claimed)
