"""Flow run inputs and pauses: what paused runs wait for, and resuming them."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from headrace.server.routes.common import Router, found, respond, store

router = Router(tags=["flow run inputs"])

_KEY = Field(min_length=1, max_length=400)


class InputWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = _KEY
    value: str = Field(description="the input's JSON text")
    sender: str | None = None


class InputKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = _KEY


class InputFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key_prefix: str
    limit: int = Field(1, ge=1, le=10_000)
    exclude_keys: list[str] = Field(default_factory=list)


class PauseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pause_key: str = _KEY
    reschedule: bool = False
    timeout_seconds: float | None = Field(None, gt=0)
    keyset: dict[str, str] | None = None


class ResumeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_input: dict[str, Any] | None = None


@router.post("/flow_runs/{run_id}/input", status_code=201)
def create_input(run_id: str, body: InputWrite) -> dict[str, bool]:
    """Store an input of the run (409 if the key is taken)."""
    store().flow_run_inputs.create_input(run_id, body.key, body.value, body.sender)
    return {"created": True}


@router.post("/flow_runs/{run_id}/input/read")
def read_input(run_id: str, body: InputKey) -> JSONResponse:
    row = store().flow_run_inputs.read_input(run_id, body.key)
    return respond(found(row, f"input {body.key!r} of flow run {run_id!r}"))


@router.post("/flow_runs/{run_id}/input/filter")
def filter_inputs(run_id: str, body: InputFilter) -> JSONResponse:
    """Inputs whose key starts with `key_prefix`, oldest first."""
    rows = store().flow_run_inputs.filter_inputs(
        run_id, body.key_prefix, body.limit, body.exclude_keys
    )
    return respond(rows)


@router.post("/flow_runs/{run_id}/input/delete")
def delete_input(run_id: str, body: InputKey) -> dict[str, bool]:
    return {"deleted": store().flow_run_inputs.delete_input(run_id, body.key)}


@router.post("/flow_runs/{run_id}/pause")
def pause(run_id: str, body: PauseRequest) -> dict[str, str]:
    """Pause (or, with `reschedule`, suspend) the run; "resumed" if this pause key was
    resumed already."""
    status = store().flow_run_inputs.pause(
        run_id, body.pause_key, body.reschedule, body.timeout_seconds, body.keyset
    )
    return {"status": status}


@router.post("/flow_runs/{run_id}/pause/read")
def read_pause(run_id: str, body: PauseRequest) -> JSONResponse:
    row = store().flow_run_inputs.read_pause(run_id, body.pause_key)
    return respond(found(row, f"pause {body.pause_key!r} of flow run {run_id!r}"))


@router.post("/flow_runs/{run_id}/pause/expire")
def expire_pause(run_id: str, body: PauseRequest) -> dict[str, bool]:
    return {"expired": store().flow_run_inputs.expire_pause(run_id, body.pause_key)}


@router.post("/flow_runs/{run_id}/resume")
def resume(run_id: str, body: ResumeRequest | None = None) -> JSONResponse:
    """Resume the paused run with its input (checked against the pause's schema)."""
    row = store().runs.read_flow_run(run_id)
    full_id = found(row, f"flow run {run_id!r}")["id"]
    return respond(store().flow_run_inputs.resume(full_id, (body or ResumeRequest()).run_input))
