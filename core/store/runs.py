"""Run history through the store interface: record runs, states and logs; read them back.

The record functions queue writes (a task call never waits on the store); the list
functions read through `store.runs` after flushing. `mark_crashed_runs` (run when a
process opens a SQL store) marks Crashed the runs left Running or Pending by processes
of this machine that no longer exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headrace.store import get_store
from headrace.store._process import HOST, PROCESS_KEY, RUN_OWNER, process_alive
from headrace.store.interface import FlowRunQuery, LogQuery, TaskRunQuery
from headrace.store.sql import CRASHED_MESSAGE, mark_crashed_runs

if TYPE_CHECKING:
    from headrace.run_records import FlowRun, TaskRun
    from headrace.states import State
    from headrace.store.interface import Store


# -- writes (queued) ----------------------------------------------------------------------
def record_flow_run(store: Store, run: FlowRun) -> None:
    store.runs.record_flow_run(run)


def record_flow_run_state(store: Store, run: FlowRun) -> None:
    store.runs.record_flow_run_state(run)


def record_task_run(store: Store, run: TaskRun) -> None:
    store.runs.record_task_run(run)


def record_task_run_state(store: Store, run: TaskRun) -> None:
    store.runs.record_task_run_state(run)


def record_state_only(store: Store, run_id: str, state: State) -> None:
    """An intermediate transition (e.g. Retrying) that does not change the run row yet."""
    store.runs.record_state(run_id, state)


def record_log(
    store: Store,
    flow_run_id: str | None,
    task_run_id: str | None,
    level: int,
    logger: str,
    message: str,
    timestamp: float,
) -> None:
    store.runs.record_log(flow_run_id, task_run_id, level, logger, message, timestamp)


# -- reads ---------------------------------------------------------------------------------
def list_flow_runs(
    limit: int = 20, flow_name: str | None = None, store: Store | None = None
) -> list[dict[str, Any]]:
    """Most recent flow runs first."""
    query = FlowRunQuery(flow_names=None if flow_name is None else [flow_name], limit=limit)
    return list((store or get_store()).runs.read_flow_runs(query))  # type: ignore[arg-type]


def get_flow_run(run_id: str, store: Store | None = None) -> dict[str, Any] | None:
    """One flow run by id or unique id prefix."""
    return (store or get_store()).runs.read_flow_run(run_id)  # type: ignore[return-value]


def list_task_runs(
    flow_run_id: str | None = None, store: Store | None = None
) -> list[dict[str, Any]]:
    """Task runs of a flow run (all task runs without an id), in creation order."""
    query = TaskRunQuery(flow_run_ids=None if flow_run_id is None else [flow_run_id])
    return list((store or get_store()).runs.read_task_runs(query))  # type: ignore[arg-type]


def list_states(run_id: str, store: Store | None = None) -> list[dict[str, Any]]:
    return list((store or get_store()).runs.read_states(run_id))  # type: ignore[arg-type]


def list_logs(flow_run_id: str, store: Store | None = None) -> list[dict[str, Any]]:
    query = LogQuery(flow_run_ids=[flow_run_id])
    return list((store or get_store()).runs.read_logs(query))  # type: ignore[arg-type]


__all__ = [
    "CRASHED_MESSAGE",
    "HOST",
    "PROCESS_KEY",
    "RUN_OWNER",
    "get_flow_run",
    "list_flow_runs",
    "list_logs",
    "list_states",
    "list_task_runs",
    "mark_crashed_runs",
    "process_alive",
    "record_flow_run",
    "record_flow_run_state",
    "record_log",
    "record_state_only",
    "record_task_run",
    "record_task_run_state",
]
