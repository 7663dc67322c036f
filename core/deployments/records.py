"""Work pools, deployments and the flow runs created for them, through `store.deployments`.

A deployment's flow runs are ordinary flow runs (state Scheduled until someone runs them)
that also record when each is due and who claimed it. Scheduled runs are unique per
(deployment, scheduled time), so any number of workers or serve processes can create the
same upcoming runs without duplicates; claiming is atomic, so a run is started by exactly
one of them.
"""

from __future__ import annotations

from typing import Any

from headrace.events.builtin_events import deployment_event, work_pool_event
from headrace.exceptions import ObjectNotFound, RunRejected
from headrace.store import get_store
from headrace.store.interface import FINAL_STATE_TYPES, DeploymentRecord, Store

FINAL_STATES = FINAL_STATE_TYPES


# -- work pools -------------------------------------------------------------------------------
def create_work_pool(name: str, type: str = "process", overwrite: bool = False) -> dict[str, Any]:
    if type != "process":
        raise ValueError(f"unsupported work pool type {type!r}; headrace runs 'process' pools")
    row = dict(get_store().deployments.create_work_pool(name, type, overwrite))
    work_pool_event("created", name)
    return row


def get_work_pool(name: str) -> dict[str, Any]:
    row = get_store().deployments.read_work_pool(name)
    if row is None:
        raise ObjectNotFound(
            f"work pool {name!r} not found; create it with "
            f"`headrace work-pool create {name} --type process`"
        )
    return dict(row)


def list_work_pools() -> list[dict[str, Any]]:
    return [dict(row) for row in get_store().deployments.list_work_pools()]


def delete_work_pool(name: str) -> None:
    get_work_pool(name)
    get_store().deployments.delete_work_pool(name)
    work_pool_event("deleted", name)


# -- deployments ------------------------------------------------------------------------------
def save_deployment(record: DeploymentRecord) -> DeploymentRecord:
    """Create or update (by flow name and deployment name) a deployment; returns it with its id.

    Changing a deployment's schedules removes the runs the old ones had scheduled and
    that have not started, so runs of an old schedule never linger.
    """
    saved = get_store().deployments.save(record)
    record.id = saved.id
    return saved


def get_deployment(name_or_id: str) -> DeploymentRecord:
    """A deployment by `FLOW/DEPLOYMENT` name or by id."""
    repository = get_store().deployments
    flow_name, _, name = name_or_id.partition("/")
    record = repository.read_by_name(flow_name, name) if name else repository.read(name_or_id)
    if record is None:
        hint = "" if name else " (use FLOW_NAME/DEPLOYMENT_NAME)"
        raise ObjectNotFound(f"deployment {name_or_id!r} not found{hint}")
    return record


def list_deployments(work_pool_name: str | None = None) -> list[DeploymentRecord]:
    return get_store().deployments.list(work_pool_name)


def delete_deployment(name_or_id: str) -> None:
    """Delete a deployment and the runs of it that have not started; past runs stay.
    The automations made from its triggers go with it."""
    store = get_store()
    record = get_deployment(name_or_id)
    store.deployments.delete(record.id)
    store.automations.delete_owned(f"prefect.deployment.{record.id}")
    deployment_event("deleted", record)


# -- flow runs of deployments -----------------------------------------------------------------
def create_flow_run(
    deployment: DeploymentRecord,
    parameters: dict[str, Any],
    scheduled_time: float,
    failed_message: str | None = None,
) -> str:
    """A requested (not schedule-made) run; with `failed_message` it is recorded as Failed."""
    state: tuple[str, str, str | None] = ("SCHEDULED", "Scheduled", None)
    if failed_message is not None:
        state = ("FAILED", "Failed", failed_message)
    return get_store().deployments.create_flow_run(deployment, parameters, scheduled_time, state)


def create_scheduled_runs(
    deployment: DeploymentRecord, slots: list[tuple[float, dict[str, Any]]]
) -> list[str]:
    """Create the runs due at the given (time, parameters) slots; existing slots are kept."""
    return get_store().deployments.create_scheduled_runs(deployment, slots)


def drop_unstarted_scheduled_runs(deployment_id: str, requested_too: bool = False) -> int:
    """Remove a deployment's schedule-made (with `requested_too`, all) runs not started."""
    return get_store().deployments.drop_unstarted_runs(deployment_id, requested_too)


def set_run_state(run_id: str, state_type: str, state_name: str, message: str | None) -> bool:
    """Set the state of a run nobody is executing any more; False if it was already final."""
    return get_store().runs.set_flow_run_state(run_id, state_type, state_name, message)


def run_row(run_id: str, store: Store | None = None) -> dict[str, Any] | None:
    row = (store or get_store()).runs.read_flow_run(run_id)
    return None if row is None or row["id"] != run_id else dict(row)


def deployment_runs(deployment_id: str) -> list[dict[str, Any]]:
    """A deployment's runs in scheduled order, with their states."""
    return [dict(row) for row in get_store().deployments.deployment_runs(deployment_id)]


def skip_missed_runs(deployment_ids: list[str], now: float) -> int:
    """The missed-run policy: of the schedule-made runs that are already due and were never
    started, only the most recent per deployment stays; the older ones are Cancelled."""
    return get_store().deployments.skip_missed_runs(deployment_ids, now)


def claim_due_runs(
    deployment_ids: list[str], claimer: str, now: float, limit: int | None, process: str
) -> list[dict[str, Any]]:
    """Atomically take up to `limit` due Scheduled runs: they become Pending, owned by
    `claimer` (a worker or serve process) and, for crash detection, by `process`."""
    rows = get_store().deployments.claim_due_runs(deployment_ids, claimer, now, limit, process)
    return [dict(row) for row in rows]


__all__ = [
    "FINAL_STATES",
    "DeploymentRecord",
    "RunRejected",
    "claim_due_runs",
    "create_flow_run",
    "create_scheduled_runs",
    "create_work_pool",
    "delete_deployment",
    "delete_work_pool",
    "deployment_runs",
    "drop_unstarted_scheduled_runs",
    "get_deployment",
    "get_work_pool",
    "list_deployments",
    "list_work_pools",
    "run_row",
    "save_deployment",
    "set_run_state",
    "skip_missed_runs",
]
