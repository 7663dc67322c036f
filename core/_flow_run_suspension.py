"""Suspension requested for a flow run that is running in this process.

`suspend_flow_run(flow_run_id=...)` marks the run Suspended in the store; when that run
runs here, it also marks the run's request, and the run leaves at its next waiting point
(a future's `wait()` / `result()` that times out, `headrace.futures.wait`) with `Pause`,
as Prefect's flows do. A subflow shares its parent's request.
"""

from __future__ import annotations

import threading
from typing import Any


class FlowRunSuspensionRequest:
    """The suspended state a flow run should leave with, once someone asks for it."""

    __slots__ = ("_state",)

    def __init__(self) -> None:
        self._state: Any = None

    def mark_requested(self, state: Any) -> None:
        self._state = state

    def get_state(self) -> Any:
        return self._state

    def is_requested(self) -> bool:
        return self._state is not None

    def raise_if_requested(self) -> None:
        """Raise `Pause` with the requested state, if there is one."""
        state = self._state
        if state is not None:
            from headrace.exceptions import Pause

            raise Pause(state=state)


_active: dict[str, FlowRunSuspensionRequest] = {}
_active_lock = threading.Lock()


def track_flow_run(flow_run_id: Any, request: FlowRunSuspensionRequest) -> None:
    """From now on `mark_flow_run_suspension_requested(flow_run_id)` reaches `request`."""
    with _active_lock:
        _active[str(flow_run_id)] = request


def untrack_flow_run(flow_run_id: Any, request: FlowRunSuspensionRequest) -> None:
    """The run ended: forget its request (unless another took its place)."""
    key = str(flow_run_id)
    with _active_lock:
        if _active.get(key) is request:
            del _active[key]


def mark_flow_run_suspension_requested(flow_run_id: Any, state: Any) -> bool:
    """Ask the flow run `flow_run_id` to leave with `state`; False if it does not run here."""
    with _active_lock:
        request = _active.get(str(flow_run_id))
    if request is None:
        return False
    request.mark_requested(state)
    return True


def raise_if_flow_run_suspension_requested() -> None:
    """Raise `Pause` if the current flow run was asked to suspend."""
    from headrace.context import FlowRunContext

    ctx = FlowRunContext._var.get(None)
    request = ctx.flow_run_suspension_request if ctx is not None else None
    if request is not None:
        request.raise_if_requested()


__all__ = [
    "FlowRunSuspensionRequest",
    "mark_flow_run_suspension_requested",
    "raise_if_flow_run_suspension_requested",
    "track_flow_run",
    "untrack_flow_run",
]
