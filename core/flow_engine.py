"""Prefect's `prefect.flow_engine` names that tell a cancelled run from a crashed one.

A SIGTERM that reaches a flow run raises `TerminationSignal` (see `headrace.engine`). Why
the process is being stopped decides the run's end: `headrace flow-run cancel` (or
`get_client().set_flow_run_state(..., Cancelling())`) marks the run Cancelling in the store
before it signals the process, so the engine ends the run (and its running subflows)
Cancelled and calls `on_cancellation` hooks; any other SIGTERM ends it Crashed.
"""

from __future__ import annotations

from typing import Literal

from headrace.context import FlowRunContext
from headrace.store import get_store

Intent = Literal["cancel"]

_CANCEL_STATES = ("CANCELLING", "CANCELLED")


def get_intent() -> Intent | None:
    """`"cancel"` when the current flow run, or a flow run it is a subflow of, is marked
    Cancelling (or Cancelled) in the store; None otherwise."""
    ctx = FlowRunContext._var.get(None)
    if ctx is None:
        return None
    runs = get_store().runs
    run_id: str | None = ctx.flow_run.id
    parent: str | None = ctx.flow_run.parent_flow_run_id
    for _ in range(100):  # a bound: parent links come from stored rows
        if run_id is None:
            return None
        row = runs.read_flow_run(run_id)
        if row is not None and row.get("state_type") in _CANCEL_STATES:
            return "cancel"
        run_id, parent = parent or (row or {}).get("parent_flow_run_id"), None
    return None


__all__ = ["Intent", "get_intent"]
