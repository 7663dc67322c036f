"""`headrace.runtime.flow_run.<attribute>`: the current flow run (None outside one)."""

from __future__ import annotations

from typing import Any

from headrace.context import FlowRunContext

_ATTRIBUTES = [
    "flow_name",
    "flow_version",
    "id",
    "name",
    "parameters",
    "parent_flow_run_id",
    "parent_deployment_id",
    "root_flow_run_id",
    "run_count",
    "scheduled_start_time",
    "tags",
    "deployment_id",
]


def __getattr__(attribute: str) -> Any:
    if attribute not in _ATTRIBUTES:
        raise AttributeError(f"{__name__} has no attribute {attribute!r}")
    ctx = FlowRunContext.get()
    if ctx is None:
        return {"parameters": {}, "tags": [], "run_count": 0}.get(attribute)
    run = ctx.flow_run
    values = {
        "id": run.id,
        "name": run.name,
        "flow_name": run.flow_name,
        "flow_version": run.flow_version,
        "parameters": dict(ctx.parameters),
        "tags": sorted(run.tags),
        "run_count": run.run_count,
        "scheduled_start_time": run.scheduled_start_time,
        "parent_flow_run_id": run.parent_flow_run_id,
        "deployment_id": run.deployment_id,
        "parent_deployment_id": None,
        "root_flow_run_id": _root_id(run),
    }
    return values[attribute]


def _root_id(run: Any) -> str:
    return run.parent_flow_run_id or run.id
