"""API routes the web UI needs beyond the store's own: runs by state over time, and
whether the server asks for credentials. Public and documented like every other route,
so what the dashboard draws a script can read.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from headrace.server.routes.common import store
from headrace.store.interface import FlowRunQuery

router = APIRouter(tags=["ui"])


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


#: a bucket that ended this long ago rarely changes (only a late state change of an old
#: run moves it), so its counts are reused for `REUSE_SECONDS`
SETTLED_AFTER_SECONDS = 300.0
REUSE_SECONDS = 60.0

_settled: dict[tuple[Any, ...], tuple[float, dict[str, int]]] = {}
_settled_lock = threading.Lock()


def _bucket_counts(after: float, before: float, flow_names: list[str] | None) -> dict[str, int]:
    """Runs created in [after, before] per state type, in one grouped count."""
    query = FlowRunQuery(flow_names=flow_names, created_after=after, created_before=before)
    return store().runs.count_flow_runs_by_state(query)


@router.post("/flow_runs/history")
def flow_run_history(body: HistoryRequest) -> list[dict[str, Any]]:
    """`[{start, end, counts: {STATE_TYPE: n}}]`, one entry per bucket, oldest first.

    Counts of buckets that ended more than five minutes ago may be up to a minute old:
    they are reused for a minute when the same bucket is asked for again (a dashboard
    aligns its buckets to multiples of their width, so polls ask for the same ones).
    """
    now = time.time()
    width = (body.end - body.start) / body.buckets
    names = tuple(body.flow_names) if body.flow_names is not None else None
    location = store().location
    with _settled_lock:
        for key in [k for k, (at, _) in _settled.items() if at < now - REUSE_SECONDS]:
            del _settled[key]
    history = []
    for i in range(body.buckets):
        after = body.start + i * width
        before = body.start + (i + 1) * width
        # bounds are inclusive: nudge each upper edge down so a run counts in one bucket
        upper = before if i == body.buckets - 1 else before - 1e-6
        key = (location, after, upper, names)
        settled = before < now - SETTLED_AFTER_SECONDS
        with _settled_lock:
            cached = _settled.get(key) if settled else None
        if cached is None:
            counts = _bucket_counts(after, upper, body.flow_names)
            if settled:
                with _settled_lock:
                    _settled[key] = (now, counts)
        else:
            counts = cached[1]
        history.append({"start": after, "end": before, "counts": dict(counts)})
    return history


@router.get("/ui/settings")
def ui_settings(request: Request) -> dict[str, bool]:
    """What the UI adapts to: `auth` is true when the server asks for credentials."""
    return {"auth": bool(request.app.state.auth.enabled)}
