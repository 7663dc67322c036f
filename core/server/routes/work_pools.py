"""Work pools and their workers: registration, heartbeats, and claiming due runs."""

from __future__ import annotations

import time

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from headrace.server.routes.common import Router, found, respond, store

router = Router(tags=["work pools"])


class WorkPoolWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    type: str = "process"
    overwrite: bool = False


class WorkerWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    pid: int


class WorkerFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    work_pool_name: str | None = None


class SilentWorkers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    silent_since: float


class ClaimNext(BaseModel):
    """Claim the pool's runs that are due, for one worker."""

    model_config = ConfigDict(extra="forbid")

    worker_id: str = Field(min_length=1)
    limit: int | None = Field(1, ge=1)
    process: str = Field("", description="the `pid:start-ticks` that will run them")


@router.post("/work_pools", status_code=201)
def create_work_pool(body: WorkPoolWrite) -> JSONResponse:
    if body.type != "process":
        raise ValueError(f"unsupported work pool type {body.type!r}; headrace runs 'process' pools")
    return respond(store().deployments.create_work_pool(body.name, body.type, body.overwrite), 201)


@router.post("/work_pools/filter")
def read_work_pools() -> JSONResponse:
    return respond(store().deployments.list_work_pools())


@router.get("/work_pools/{name}")
def read_work_pool(name: str) -> JSONResponse:
    return respond(found(store().deployments.read_work_pool(name), f"work pool {name!r}"))


@router.delete("/work_pools/{name}")
def delete_work_pool(name: str) -> dict[str, bool]:
    return {"deleted": store().deployments.delete_work_pool(name)}


@router.post("/work_pools/{name}/workers", status_code=201)
def register_worker(name: str, body: WorkerWrite) -> None:
    """A worker of the pool starts; it heartbeats until it stops."""
    found(store().deployments.read_work_pool(name), f"work pool {name!r}")
    store().deployments.register_worker(body.id, body.name, name, body.pid)


@router.post("/work_pools/{name}/get_scheduled_flow_runs")
def claim_next_runs(name: str, body: ClaimNext) -> JSONResponse:
    """Atomically claim the pool's due Scheduled runs (oldest first, up to `limit`) for
    one worker; they become Pending. A run is never handed to two workers."""
    deployments = store().deployments
    found(deployments.read_work_pool(name), f"work pool {name!r}")
    ids = [d.id for d in deployments.list(work_pool_name=name)]
    if not ids:
        return respond([])
    claimed = deployments.claim_due_runs(ids, body.worker_id, time.time(), body.limit, body.process)
    return respond(claimed)


@router.post("/workers/filter")
def read_workers(body: WorkerFilter | None = None) -> JSONResponse:
    return respond(store().deployments.list_workers((body or WorkerFilter()).work_pool_name))


@router.post("/workers/silent")
def silent_workers(body: SilentWorkers) -> JSONResponse:
    """Workers not stopped whose last heartbeat is older than `silent_since`."""
    return respond(store().deployments.silent_workers(body.silent_since))


@router.post("/workers/{worker_id}/heartbeat")
def heartbeat(worker_id: str) -> None:
    store().deployments.heartbeat_worker(worker_id)


@router.post("/workers/{worker_id}/stop")
def stop_worker(worker_id: str) -> None:
    store().deployments.stop_worker(worker_id)


@router.get("/workers/{worker_id}/unfinished_runs")
def worker_unfinished_runs(worker_id: str) -> list[str]:
    return store().deployments.worker_unfinished_runs(worker_id)
