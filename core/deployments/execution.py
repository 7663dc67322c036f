"""Running one stored flow run of a deployment, in this process."""

from __future__ import annotations

import json
from typing import Any

from headrace.deployments import records
from headrace.engine import FlowRunMachine, drive_async, drive_sync
from headrace.exceptions import ParameterBindError
from headrace.run_records import FlowRun
from headrace.secret_parameters import open_parameters


def run_stored_flow_run(flow: Any, row: dict[str, Any]) -> Any:
    """Run the flow for the stored run `row` (as returned by `records.run_row`) and return
    its final state; the engine records everything under the run's existing id."""
    tags = json.loads(row["tags"]) if isinstance(row.get("tags"), str) else row.get("tags") or []
    flow_run = FlowRun(
        flow.name,
        row["parameters"],
        set(tags),
        name=row["name"],
        flow_version=flow.version,
        deployment_id=row["deployment_id"],
        run_id=row["id"],
        scheduled_ts=row.get("scheduled_time"),
    )
    try:
        stored = open_parameters(dict(row["parameters"]), f"flow run {row['id']}")
        parameters = flow.signature.bind((), stored)
    except (ParameterBindError, TypeError) as exc:
        message = f"Validation of flow parameters failed with error: {exc}"
        records.set_run_state(row["id"], "FAILED", "Failed", message)
        raise records.RunRejected(message) from exc
    machine = FlowRunMachine(flow, parameters, flow_run=flow_run)
    if flow.isasync:
        import asyncio

        return asyncio.run(drive_async(machine))
    return drive_sync(machine)
