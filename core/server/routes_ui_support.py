"""API routes the web UI needs beyond the store's own: runs by state over time, and
whether the server asks for credentials. Public and documented like every other route,
so what the dashboard draws a script can read.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from headrace.server.routes._common import store
from headrace.store.interface import FlowRunQuery

router = APIRouter(tags=["ui"])

STATE_TYPES = (
    "SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED",
    "PAUSED", "CANCELLING",
)  # fmt: skip


class HistoryRequest(BaseModel):
    """Flow runs created between `start` and `end` (Unix seconds), counted per state type
    in `buckets` equal intervals; `flow_names` narrows it to some flows."""

    model_config = ConfigDict(extra="forbid")

    start: float
    end: float
    buckets: int = Field(30, ge=1, le=500)
    flow_names: list[str] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> HistoryRequest:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


@router.post("/flow_runs/history")
def flow_run_history(body: HistoryRequest) -> list[dict]:
    """`[{start, end, counts: {STATE_TYPE: n}}]`, one entry per bucket, oldest first.

    Counts go through the store interface: one count per state in the whole window, then
    per bucket only for the states that occur, so a quiet window costs a few queries.
    """
    runs = store().runs
    width = (body.end - body.start) / body.buckets
    edges = [body.start + i * width for i in range(body.buckets)] + [body.end]

    def count(state: str, after: float, before: float) -> int:
        query = FlowRunQuery(
            flow_names=body.flow_names,
            state_types=[state],
            created_after=after,
            created_before=before,
            limit=None,
        )
        return runs.count_flow_runs(query)

    present = [state for state in STATE_TYPES if count(state, body.start, body.end)]
    history = []
    for i in range(body.buckets):
        # bounds are inclusive: nudge each upper edge down so a run counts in one bucket
        before = edges[i + 1] if i == body.buckets - 1 else edges[i + 1] - 1e-6
        counts = {state: count(state, edges[i], before) for state in present}
        counts = {state: n for state, n in counts.items() if n}
        history.append({"start": edges[i], "end": edges[i + 1], "counts": counts})
    return history


@router.get("/ui/settings")
def ui_settings(request: Request) -> dict[str, bool]:
    """What the UI adapts to: `auth` is true when the server asks for credentials."""
    return {"auth": bool(request.app.state.auth.enabled)}
