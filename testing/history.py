"""Read what ran: flow runs, their task runs, state histories, parameters and logs.

The `headrace_flow_runs` fixture returns a `FlowRunHistory`; its records are snapshots read from
the store in force (the harness's), so they can be compared and printed freely.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from headrace.store import Store, get_store
from headrace.store import runs as _runs
from headrace.store.interface import FlowRunQuery

__all__ = ["FlowRunHistory", "FlowRunRecord", "RunRecord", "StateRecord", "TaskRunRecord"]

#: states of runs that started and have not ended (a Scheduled run has not started)
UNFINISHED = ("PENDING", "RUNNING")
FINAL = ("COMPLETED", "FAILED", "CANCELLED", "CRASHED")


@dataclass(frozen=True)
class StateRecord:
    """One recorded state transition."""

    type: str
    name: str
    message: str | None
    timestamp: float


@dataclass(frozen=True)
class RunRecord:
    """What flow and task run records share."""

    id: str
    name: str
    state_type: str
    state_name: str
    state_message: str | None
    run_count: int
    tags: list[str]
    _store: Store = field(repr=False, compare=False)

    @property
    def states(self) -> list[StateRecord]:
        """Every state this run went through, oldest first."""
        return [StateRecord(**row) for row in _runs.list_states(self.id, store=self._store)]

    @property
    def state_names(self) -> list[str]:
        """e.g. `["Pending", "Running", "AwaitingRetry", "Retrying", "Completed"]`."""
        return [state.name for state in self.states]

    def is_completed(self) -> bool:
        return self.state_type == "COMPLETED"

    def is_failed(self) -> bool:
        return self.state_type == "FAILED"

    def is_final(self) -> bool:
        return self.state_type in FINAL


@dataclass(frozen=True)
class TaskRunRecord(RunRecord):
    """A task run as recorded in the store."""

    task_name: str
    flow_run_id: str | None
    cache_key: str | None


@dataclass(frozen=True)
class FlowRunRecord(RunRecord):
    """A flow run as recorded in the store, with ways to reach its tasks and logs."""

    flow_name: str
    parameters: dict[str, Any]
    parent_flow_run_id: str | None

    @property
    def task_runs(self) -> list[TaskRunRecord]:
        """This flow run's task runs in the order they were created."""
        rows = _runs.list_task_runs(self.id, store=self._store)
        return [_task_record(row, self._store) for row in rows]

    @property
    def task_names(self) -> list[str]:
        """Task names in the order their runs were created (one entry per run)."""
        return [run.task_name for run in self.task_runs]

    @property
    def task_states(self) -> dict[str, str]:
        """Task run name (`load-0`, `load-1`, ...) -> final state name."""
        return {run.name: run.state_name for run in self.task_runs}

    def task_run(self, name: str) -> TaskRunRecord:
        """The task run called `name` (`load-0`), or the only run of task `name` (`load`)."""
        runs = self.task_runs
        exact = [run for run in runs if run.name == name]
        by_task = [run for run in runs if run.task_name == name]
        if exact:
            return exact[0]
        if len(by_task) == 1:
            return by_task[0]
        shown = ", ".join(run.name for run in runs) or "none"
        if by_task:
            raise LookupError(
                f"task {name!r} ran {len(by_task)} times in flow run {self.name!r}; "
                f"name one run: {', '.join(run.name for run in by_task)}"
            )
        raise LookupError(f"no task run {name!r} in flow run {self.name!r}; task runs: {shown}")

    @property
    def subflow_runs(self) -> list[FlowRunRecord]:
        """Flow runs started from inside this one, oldest first."""
        query = FlowRunQuery(parent_flow_run_ids=[self.id], sort="created_asc", limit=None)
        rows = self._store.runs.read_flow_runs(query)
        return [_flow_record(dict(row), self._store) for row in rows]

    @property
    def logs(self) -> list[str]:
        """Messages logged by this flow run and its task runs, in order."""
        return [row["message"] for row in _runs.list_logs(self.id, store=self._store)]


def _common(row: dict[str, Any], store: Store) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "state_type": row["state_type"],
        "state_name": row["state_name"],
        "state_message": row["state_message"],
        "run_count": row["run_count"],
        "tags": row["tags"],
        "_store": store,
    }


def _task_record(row: dict[str, Any], store: Store) -> TaskRunRecord:
    return TaskRunRecord(
        **_common(row, store),
        task_name=row["task_name"],
        flow_run_id=row["flow_run_id"],
        cache_key=row["cache_key"],
    )


def _flow_record(row: dict[str, Any], store: Store) -> FlowRunRecord:
    return FlowRunRecord(
        **_common(row, store),
        flow_name=row["flow_name"],
        parameters=row["parameters"],
        parent_flow_run_id=row["parent_flow_run_id"],
    )


def _flow_name(flow: Any) -> str:
    """A flow's name from a Flow object or a string."""
    return flow if isinstance(flow, str) else flow.name


class FlowRunHistory:
    """The flow runs recorded in the current store, oldest first."""

    def __init__(self, store: Store | None = None) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        return self._store or get_store()

    def all(self, flow: Any = None) -> list[FlowRunRecord]:
        """Every flow run (of `flow`, a Flow or its name, if given), subflows included."""
        store = self.store
        query = FlowRunQuery(
            flow_names=None if flow is None else [_flow_name(flow)], sort="created_asc", limit=None
        )
        return [_flow_record(dict(row), store) for row in store.runs.read_flow_runs(query)]

    def last(self, flow: Any = None) -> FlowRunRecord:
        """The most recent flow run (of `flow`, if given); AssertionError if there is none."""
        __tracebackhide__ = True
        runs = self.all(flow)
        if not runs:
            ran = sorted({run.flow_name for run in self.all()})
            what = f"of flow {_flow_name(flow)!r} " if flow is not None else ""
            raise AssertionError(f"no flow run {what}was recorded; flows that ran: {ran or 'none'}")
        return runs[-1]

    def task_runs(self) -> list[TaskRunRecord]:
        """Every task run, including those called outside a flow, oldest first."""
        store = self.store
        return [_task_record(row, store) for row in _runs.list_task_runs(store=store)]

    def unfinished(self) -> list[RunRecord]:
        """Flow and task runs that started and have not ended (still Pending or Running)."""
        runs: list[RunRecord] = [*self.all(), *self.task_runs()]
        return [run for run in runs if run.state_type in UNFINISHED]

    def __len__(self) -> int:
        return len(self.all())

    def __iter__(self) -> Iterator[FlowRunRecord]:
        return iter(self.all())

    def __repr__(self) -> str:
        return f"<FlowRunHistory {[(run.flow_name, run.state_name) for run in self.all()]}>"
