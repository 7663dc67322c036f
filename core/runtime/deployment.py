"""`headrace.runtime.deployment.<attribute>`: the deployment of the current flow run."""

from __future__ import annotations

from typing import Any

from headrace.context import FlowRunContext
from headrace.secret_parameters import masked_parameters
from headrace.store import get_store

_ATTRIBUTES = ["id", "name", "parameters", "flow_run_id", "version"]


def __getattr__(attribute: str) -> Any:
    if attribute not in _ATTRIBUTES:
        raise AttributeError(f"{__name__} has no attribute {attribute!r}")
    ctx = FlowRunContext.get()
    run = ctx.flow_run if ctx else None
    if attribute == "flow_run_id":
        return run.id if run else None
    if run is None or run.deployment_id is None:
        return {} if attribute == "parameters" else None
    record = get_store().deployments.read(run.deployment_id)
    if record is None:
        return {} if attribute == "parameters" else None
    if attribute == "parameters":
        return masked_parameters(record.parameters)
    return getattr(record, attribute, None)
