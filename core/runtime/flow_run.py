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
    "job_variables",
    "api_url",
    "ui_url",
]


def __getattr__(attribute: str) -> Any:
    if attribute not in _ATTRIBUTES:
        raise AttributeError(f"{__name__} has no attribute {attribute!r}")
    ctx = FlowRunContext.get()
    if attribute in ("api_url", "ui_url"):
        return _url(ctx.flow_run.id if ctx else None, attribute, "flow-runs/flow-run")
    if ctx is None:
        return {"parameters": {}, "tags": [], "run_count": 0, "job_variables": {}}.get(attribute)
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
        "job_variables": {},
        "root_flow_run_id": _root_id(run),
    }
    return values[attribute]


def _root_id(run: Any) -> str:
    return run.parent_flow_run_id or run.id


def _url(run_id: str | None, attribute: str, path: str) -> str | None:
    """The run's address on the API server (`HEADRACE_API_URL`) or in its UI; None
    without a server or outside a run."""
    from headrace.settings import get_settings

    api = get_settings().api_url
    if run_id is None or not api:
        return None
    api = api.rstrip("/")
    if attribute == "api_url":
        return f"{api}/{path.split('/')[0]}/{run_id}"
    base = api[: -len("/api")] if api.endswith("/api") else api
    return f"{base}/runs/{path.split('/')[1]}/{run_id}"
