"""Flow runs: filter with paging, count, read one, its states, set its state.

Secret parameters of runs made from deployments are stored sealed (encrypted with the
client's key); replies show them as the mask unless `include_encrypted=true` asks for the
sealed form, as the HTTP store client does to open them when the run starts.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from headrace.secret_parameters import masked_parameters
from headrace.server.routes.common import Router, found, respond, store
from headrace.store.interface import FlowRunQuery, Sort

router = Router(tags=["flow runs"])

StateTypeName = Literal[
    "SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED",
    "PAUSED", "CANCELLING",
]  # fmt: skip
SortName = Sort


class FlowRunFilter(BaseModel):
    """Which flow runs (fields left out do not filter; the rest are ANDed)."""

    model_config = ConfigDict(extra="forbid")

    ids: list[str] | None = None
    id_prefix: str | None = None
    names: list[str] | None = None
    name_like: str | None = None
    flow_names: list[str] | None = None
    flow_name_like: str | None = None
    state_types: list[StateTypeName] | None = None
    state_names: list[str] | None = None
    exclude_state_types: list[StateTypeName] | None = None
    exclude_state_names: list[str] | None = None
    tags_all: list[str] | None = None
    deployment_ids: list[str | None] | None = None
    parent_flow_run_ids: list[str | None] | None = None
    work_pool_names: list[str] | None = None
    created_after: float | None = None
    created_before: float | None = None
    start_time_after: float | None = None
    start_time_before: float | None = None
    sort: SortName = "created_desc"
    limit: int | None = Field(200, ge=0, le=10_000)
    offset: int = Field(0, ge=0)
    include_encrypted: bool = False

    def query(self) -> FlowRunQuery:
        return FlowRunQuery(**self.model_dump(exclude={"include_encrypted"}))


def runs_out(rows: Any, include_encrypted: bool) -> Any:
    """A flow run row (or a list of them) for a reply: sealed secrets masked unless asked for."""
    if include_encrypted or rows is None:
        return rows
    if isinstance(rows, list):
        return [runs_out(row, False) for row in rows]
    return {**rows, "parameters": masked_parameters(rows["parameters"])}


class SetState(BaseModel):
    """A new state for a run (e.g. Cancelled); `force` also changes a finished run."""

    model_config = ConfigDict(extra="forbid")

    type: StateTypeName
    name: str | None = Field(None, min_length=1, max_length=200)
    message: str | None = None
    force: bool = False


@router.post("/flow_runs/filter")
def read_flow_runs(body: FlowRunFilter | None = None) -> JSONResponse:
    """Flow runs matching the filter, one page (`limit`, `offset`) in `sort` order."""
    body = body or FlowRunFilter()
    return respond(runs_out(store().runs.read_flow_runs(body.query()), body.include_encrypted))


@router.post("/flow_runs/count")
def count_flow_runs(body: FlowRunFilter | None = None) -> int:
    """How many flow runs match (paging ignored)."""
    return store().runs.count_flow_runs((body or FlowRunFilter()).query())


@router.get("/flow_runs/{run_id}")
def read_flow_run(run_id: str, include_encrypted: bool = False) -> JSONResponse:
    """One flow run by id or unique id prefix."""
    run = found(store().runs.read_flow_run(run_id), f"flow run {run_id!r}")
    return respond(runs_out(run, include_encrypted))


@router.get("/flow_runs/{run_id}/states")
def read_flow_run_states(run_id: str) -> JSONResponse:
    """The run's state transitions, oldest first."""
    return respond(store().runs.read_states(run_id))


@router.post("/flow_runs/{run_id}/set_state")
def set_flow_run_state(run_id: str, body: SetState) -> dict[str, bool]:
    """Set the run's state; `changed` is false if it was already final (without `force`)."""
    changed = store().runs.set_flow_run_state(
        run_id, body.type, body.name or body.type.title(), body.message, body.force
    )
    return {"changed": changed}


@router.delete("/flow_runs/{run_id}")
def delete_flow_run(run_id: str) -> dict[str, bool]:
    """Delete the run with its task runs, states and logs."""
    return {"deleted": store().runs.delete_flow_run(run_id)}


@router.get("/flows")
def read_flows(limit: int | None = None) -> JSONResponse:
    """The flows that have runs, most recently run first."""
    return respond(store().runs.read_flows(limit))


class MarkCrashed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    runs: list[tuple[Literal["flow", "task"], str]]
    message: str


@router.get("/runs/unfinished")
def unfinished_runs() -> list[tuple[str, str, str | None]]:
    """`(kind, id, process)` of flow and task runs left Pending or Running."""
    return store().runs.unfinished_runs()


@router.post("/runs/mark_crashed")
def mark_crashed(body: MarkCrashed) -> int:
    """Mark these runs Crashed if they are still unfinished; returns how many changed."""
    return store().runs.mark_crashed([tuple(run) for run in body.runs], body.message)
