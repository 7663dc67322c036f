"""Task runs: filter with paging, count, read one, its states, set its state."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from headrace.server.routes.common import Router, found, respond, store
from headrace.server.routes.flow_runs import SetState, SortName, StateTypeName
from headrace.store.interface import TaskRunQuery

router = Router(tags=["task runs"])


class TaskRunFilter(BaseModel):
    """Which task runs (fields left out do not filter; the rest are ANDed)."""

    model_config = ConfigDict(extra="forbid")

    ids: list[str] | None = None
    flow_run_ids: list[str | None] | None = None
    names: list[str] | None = None
    name_like: str | None = None
    task_names: list[str] | None = None
    state_types: list[StateTypeName] | None = None
    state_names: list[str] | None = None
    exclude_state_types: list[StateTypeName] | None = None
    exclude_state_names: list[str] | None = None
    tags_all: list[str] | None = None
    created_after: float | None = None
    created_before: float | None = None
    start_time_after: float | None = None
    start_time_before: float | None = None
    sort: SortName = "created_asc"
    limit: int | None = Field(None, ge=0)
    offset: int = Field(0, ge=0)

    def query(self) -> TaskRunQuery:
        return TaskRunQuery(**self.model_dump())


@router.post("/task_runs/filter")
def read_task_runs(body: TaskRunFilter | None = None) -> JSONResponse:
    """Task runs matching the filter, in `sort` order."""
    return respond(store().runs.read_task_runs((body or TaskRunFilter()).query()))


@router.post("/task_runs/count")
def count_task_runs(body: TaskRunFilter | None = None) -> int:
    return store().runs.count_task_runs((body or TaskRunFilter()).query())


@router.get("/task_runs/{run_id}")
def read_task_run(run_id: str) -> JSONResponse:
    return respond(found(store().runs.read_task_run(run_id), f"task run {run_id!r}"))


@router.get("/task_runs/{run_id}/states")
def read_task_run_states(run_id: str) -> JSONResponse:
    return respond(store().runs.read_states(run_id))


@router.post("/task_runs/{run_id}/set_state")
def set_task_run_state(run_id: str, body: SetState) -> dict[str, bool]:
    changed = store().runs.set_task_run_state(
        run_id, body.type, body.name or body.type.title(), body.message, body.force
    )
    return {"changed": changed}
