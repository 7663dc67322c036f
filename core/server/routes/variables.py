"""Variables: named JSON values."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from headrace.server.routes.common import Router, found, respond, store

router = Router(tags=["variables"])

_NAME = r"^[a-z0-9_-]+$"


class VariableWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Any = Field(description="any JSON value")
    tags: list[str] = Field(default_factory=list)
    overwrite: bool = False


class VariableFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int | None = Field(None, ge=0)
    offset: int = Field(0, ge=0)


@router.post("/variables/filter")
def read_variables(body: VariableFilter | None = None) -> JSONResponse:
    """Variables by name, one page."""
    body = body or VariableFilter()
    return respond(store().variables.list(body.limit, body.offset))


@router.get("/variables/name/{name}")
def read_variable(name: str) -> JSONResponse:
    return respond(found(store().variables.get(name), f"variable {name!r}"))


@router.put("/variables/name/{name}")
def set_variable(name: str, body: VariableWrite) -> JSONResponse:
    """Create the variable, or replace it with `overwrite` (409 otherwise)."""
    _check_name(name)
    return respond(store().variables.set(name, body.value, body.tags, body.overwrite))


@router.delete("/variables/name/{name}")
def delete_variable(name: str) -> dict[str, bool]:
    return {"deleted": store().variables.delete(name)}


def _check_name(name: str) -> None:
    import re

    if not re.match(_NAME, name):
        raise ValueError(
            f"invalid variable name {name!r}: use lowercase letters, digits, '-' and '_'"
        )
