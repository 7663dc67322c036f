"""Background task runs: queue, claim, renew, complete, read the outcome.

Calls and outcomes travel as base64 of the pickles clients made; the server stores them
and never unpickles them (only the task workers and submitters do).
"""

from __future__ import annotations

import base64

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from headrace.server.routes.common import Router, found, respond, store

router = Router(tags=["background task runs"])


class Enqueue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task_run_id: str = Field(min_length=1)
    task_key: str = Field(min_length=1)
    task_name: str
    run_name: str
    tags: list[str] = Field(default_factory=list)
    payload: str = Field(description="base64 of the pickled call")
    max_attempts: int = Field(1, ge=1)


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task_keys: list[str]
    worker: str
    process: str
    lease_seconds: float = Field(gt=0)
    limit: int = Field(ge=0, le=10_000)


class Renew(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task_run_ids: list[str]
    worker: str
    lease_seconds: float = Field(gt=0)


class Complete(BaseModel):
    model_config = ConfigDict(extra="forbid")

    worker: str
    status: str = Field(pattern="^(completed|failed|crashed)$")
    state_name: str
    message: str | None = None
    outcome: str = Field(description="base64 of the pickled value or exception")


def _encoded(blob: bytes | None) -> str | None:
    return None if blob is None else base64.b64encode(blob).decode("ascii")


@router.post("/task_queue", status_code=201)
def enqueue(body: Enqueue) -> dict[str, bool]:
    """Queue a background run and record its task run Scheduled."""
    store().task_queue.enqueue(
        body.task_run_id,
        body.task_key,
        body.task_name,
        body.run_name,
        body.tags,
        base64.b64decode(body.payload),
        body.max_attempts,
    )
    return {"queued": True}


@router.post("/task_queue/claim")
def claim(body: Claim) -> JSONResponse:
    """Take up to `limit` queued runs of these task keys for a worker."""
    rows = store().task_queue.claim(
        body.task_keys, body.worker, body.process, body.lease_seconds, body.limit
    )
    return respond([{**row, "payload": _encoded(row["payload"])} for row in rows])


@router.post("/task_queue/renew")
def renew(body: Renew) -> list[str]:
    """Extend a worker's leases; returns the runs it no longer holds."""
    return store().task_queue.renew(body.task_run_ids, body.worker, body.lease_seconds)


@router.post("/task_queue/reap")
def reap() -> dict[str, int]:
    """Put back (or crash) the runs whose leases expired."""
    return {"changed": store().task_queue.reap()}


@router.post("/task_queue/{task_run_id}/complete")
def complete(task_run_id: str, body: Complete) -> dict[str, bool]:
    stored = store().task_queue.complete(
        task_run_id,
        body.worker,
        body.status,
        body.state_name,
        body.message,
        base64.b64decode(body.outcome),
    )
    return {"stored": stored}


@router.get("/task_queue/{task_run_id}")
def read_outcome(task_run_id: str) -> JSONResponse:
    """Where a background run is, with its pickled outcome once it ended."""
    row = found(store().task_queue.read_outcome(task_run_id), f"task run {task_run_id!r}")
    return respond({**row, "outcome": _encoded(row["outcome"])})


@router.get("/task_queue/{task_run_id}/call")
def read_call(task_run_id: str) -> dict[str, str | None]:
    """The pickled call (parameters, wait_for, context) a background run was queued with."""
    payload = found(store().task_queue.read_call(task_run_id), f"task run {task_run_id!r}")
    return {"payload": _encoded(payload)}
