"""Automations: create, read, change, pause/resume, delete, and what they did (firings).

The server checks a definition exactly as `Automation.create()` does: a template that does
not parse, or an action naming a deployment, work pool or block that does not exist, is a
422 saying which. The server's evaluator (started with the server) carries them out.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from headrace.server.routes.common import Router, found, respond, store

router = Router(tags=["automations"])


class AutomationFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    owner_resource: str | None = None


class OwnerBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner_resource: str


def _checked_spec(raw: Any) -> dict[str, Any]:
    from headrace.automations import AutomationCore, check_automation

    core = AutomationCore.model_validate(raw)
    check_automation(core, store())
    return core.model_dump(mode="json")


def _repo() -> Any:
    return store().automations  # type: ignore[attr-defined]


@router.post("/automations")
async def create_automation(request: Request) -> JSONResponse:
    """Create an automation from Prefect's automation JSON (name, trigger, actions, ...)."""
    spec = _checked_spec(await request.json())
    return respond(_repo().create(spec), status_code=201)


@router.post("/automations/filter")
def read_automations(body: AutomationFilter | None = None) -> JSONResponse:
    body = body or AutomationFilter()
    return respond(_repo().list(body.name, body.owner_resource))


@router.post("/automations/delete_owned")
def delete_owned(body: OwnerBody) -> dict[str, int]:
    """Delete the automations a deployment owns (made from its `triggers=`)."""
    return {"deleted": _repo().delete_owned(body.owner_resource)}


@router.get("/automations/{automation_id}")
def read_automation(automation_id: str) -> JSONResponse:
    return respond(found(_repo().read(automation_id), f"automation {automation_id!r}"))


@router.put("/automations/{automation_id}")
async def replace_automation(automation_id: str, request: Request) -> JSONResponse:
    spec = _checked_spec(await request.json())
    return respond(_repo().replace(automation_id, spec))


@router.post("/automations/{automation_id}/pause")
def pause_automation(automation_id: str) -> dict[str, bool]:
    row = found(_repo().read(automation_id), f"automation {automation_id!r}")
    return {"changed": _repo().set_enabled(row["id"], False)}


@router.post("/automations/{automation_id}/resume")
def resume_automation(automation_id: str) -> dict[str, bool]:
    row = found(_repo().read(automation_id), f"automation {automation_id!r}")
    return {"changed": _repo().set_enabled(row["id"], True)}


@router.delete("/automations/{automation_id}")
def delete_automation(automation_id: str) -> dict[str, bool]:
    return {"deleted": _repo().delete(automation_id)}


@router.get("/automations/{automation_id}/firings")
def automation_firings(automation_id: str, limit: int = 50) -> JSONResponse:
    """The automation's most recent actions first, each with its status and error."""
    row = found(_repo().read(automation_id), f"automation {automation_id!r}")
    return respond(_repo().firings(row["id"], limit))


# -- paused work pools (PauseWorkPool / ResumeWorkPool) -----------------------------------
@router.get("/paused_work_pools")
def paused_work_pools() -> list[str]:
    return _repo().paused_work_pools()


@router.post("/paused_work_pools/{name}")
def pause_work_pool(name: str) -> dict[str, bool]:
    found(store().deployments.read_work_pool(name), f"work pool {name!r}")
    return {"changed": _repo().set_work_pool_paused(name, True)}


@router.delete("/paused_work_pools/{name}")
def resume_work_pool(name: str) -> dict[str, bool]:
    found(store().deployments.read_work_pool(name), f"work pool {name!r}")
    return {"changed": _repo().set_work_pool_paused(name, False)}
