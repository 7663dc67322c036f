"""Run logs, filtered by run, level, time, logger and text."""

from __future__ import annotations

from typing import Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from headrace.server.routes.common import Router, respond, store
from headrace.store.interface import LogQuery

router = Router(tags=["logs"])


class LogFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    flow_run_ids: list[str] | None = None
    task_run_ids: list[str] | None = None
    level_min: int | None = Field(None, ge=0, le=100)
    after: float | None = None
    before: float | None = None
    sort: Literal["timestamp_asc", "timestamp_desc"] = "timestamp_asc"
    limit: int | None = Field(None, ge=0)
    offset: int = Field(0, ge=0)
    level_max: int | None = Field(None, ge=0, le=100)
    loggers: list[str] | None = None
    text: str | None = Field(None, max_length=200)


@router.post("/logs/filter")
def read_logs(body: LogFilter | None = None) -> JSONResponse:
    """Log lines of runs, oldest first unless `sort` says otherwise."""
    return respond(store().runs.read_logs(LogQuery(**(body or LogFilter()).model_dump())))
