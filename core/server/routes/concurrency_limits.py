"""Global concurrency limits: management, and all-or-none acquisition with leases."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from headrace.server.routes.common import Router, found, respond, store

router = Router(tags=["concurrency limits"])


class LimitWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500)
    limit: int = Field(ge=0)
    slot_decay_per_second: float = Field(0.0, ge=0)
    active: bool = True
    overwrite: bool = False


class LimitUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int | None = Field(None, ge=0)
    slot_decay_per_second: float | None = Field(None, ge=0)
    active: bool | None = None


class LimitFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None


class Acquire(BaseModel):
    """Take `slots` on every limit in `names`, all or none; without `lease_id`, decaying
    slots (a rate limit)."""

    model_config = ConfigDict(extra="forbid")

    names: list[str] = Field(min_length=1)
    slots: int = Field(1, ge=1)
    lease_id: str | None = None
    holder: str = ""
    lease_seconds: float = Field(300.0, gt=0)
    strict: bool = False


class Release(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lease_id: str


class Renew(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lease_ids: list[str]
    lease_seconds: float = Field(gt=0)


@router.post("/concurrency_limits")
def create_limit(body: LimitWrite) -> JSONResponse:
    """Create a limit (409 if it exists, unless `overwrite`, which keeps held slots)."""
    row = store().concurrency.create(
        body.name, body.limit, body.slot_decay_per_second, body.active, body.overwrite
    )
    return respond(row, 201)


@router.post("/concurrency_limits/filter")
def read_limits(body: LimitFilter | None = None) -> JSONResponse:
    """Limits with their live occupancy."""
    return respond(store().concurrency.list((body or LimitFilter()).name))


@router.get("/concurrency_limits/active")
def active_limits() -> dict[str, int]:
    """Active limits' names and slots."""
    return store().concurrency.active_limits()


@router.post("/concurrency_limits/acquire")
def acquire(body: Acquire) -> JSONResponse:
    """One try, never waiting: `acquired`, the `missing` names, `retry_after` seconds."""
    attempt = store().concurrency.try_acquire(
        body.names, body.slots, body.lease_id, body.holder, body.lease_seconds, body.strict
    )
    return respond(attempt)


@router.post("/concurrency_limits/release")
def release(body: Release) -> None:
    store().concurrency.release(body.lease_id)


@router.post("/concurrency_limits/renew")
def renew(body: Renew) -> list[str]:
    """Extend leases; returns the ids that were lost (expired and taken, or reset)."""
    return store().concurrency.renew(body.lease_ids, body.lease_seconds)


@router.get("/concurrency_limits/name/{name}")
def read_limit(name: str) -> JSONResponse:
    limits = store().concurrency.list(name)
    return respond(found(limits[0] if limits else None, f"concurrency limit {name!r}"))


@router.patch("/concurrency_limits/name/{name}")
def update_limit(name: str, body: LimitUpdate) -> JSONResponse:
    return respond(
        store().concurrency.update(name, body.limit, body.slot_decay_per_second, body.active)
    )


@router.post("/concurrency_limits/name/{name}/reset")
def reset_limit(name: str) -> None:
    """Free every slot of the limit."""
    store().concurrency.reset(name)


@router.delete("/concurrency_limits/name/{name}")
def delete_limit(name: str) -> None:
    store().concurrency.delete(name)
