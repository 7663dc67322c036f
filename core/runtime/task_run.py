"""`headrace.runtime.task_run.<attribute>`: the current task run (None outside one)."""

from __future__ import annotations

from typing import Any

from headrace.context import TaskRunContext

_ATTRIBUTES = ["id", "name", "parameters", "run_count", "tags", "task_name", "api_url", "ui_url"]


def __getattr__(attribute: str) -> Any:
    if attribute not in _ATTRIBUTES:
        raise AttributeError(f"{__name__} has no attribute {attribute!r}")
    ctx = TaskRunContext.get()
    if attribute in ("api_url", "ui_url"):
        from headrace.runtime.flow_run import _url

        return _url(ctx.task_run.id if ctx else None, attribute, "task-runs/task-run")
    if ctx is None:
        return {"parameters": {}, "tags": [], "run_count": 0}.get(attribute)
    run = ctx.task_run
    values = {
        "id": run.id,
        "name": run.name,
        "task_name": run.task_name,
        "parameters": dict(ctx.parameters),
        "run_count": run.run_count,
        "tags": sorted(run.tags),
    }
    return values[attribute]
