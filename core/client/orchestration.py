"""`get_client()`: Prefect's `PrefectClient` / `SyncPrefectClient` methods over the store.

The client talks only to the store interface (`headrace.store.interface`), so the same
calls read the local SQLite file, a PostgreSQL database, or a headrace server (with
`HEADRACE_API_URL` set). The async client runs each store call in a worker thread, so it
never blocks the event loop.

    async with get_client() as client:
        runs = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=["FAILED"]))),
            limit=10,
        )
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from typing import Any

from headrace.client.schemas.actions import (
    ArtifactCreate,
    ArtifactUpdate,
    VariableCreate,
    VariableUpdate,
    WorkPoolCreate,
)
from headrace.client.schemas.filters import (
    ArtifactCollectionFilter,
    ArtifactFilter,
    DeploymentFilter,
    FlowFilter,
    FlowRunFilter,
    LogFilter,
    TaskRunFilter,
    WorkPoolFilter,
)
from headrace.client.schemas.objects import (
    DEFAULT_QUEUE_NAME,
    Artifact,
    ArtifactCollection,
    BlockDocument,
    DeploymentResponse,
    FlowRun,
    Log,
    TaskRun,
    Variable,
    Worker,
    WorkPool,
    WorkQueue,
)
from headrace.client.schemas.responses import (
    OrchestrationResult,
    SetStateStatus,
    StateAcceptDetails,
    StateRejectDetails,
)
from headrace.client.schemas.sorting import (
    ARTIFACT_SORTS,
    RUN_SORTS,
    ArtifactCollectionSort,
    ArtifactSort,
    DeploymentSort,
    FlowRunSort,
    LogSort,
    TaskRunSort,
)
from headrace.exceptions import ObjectNotFound
from headrace.states import State
from headrace.store.interface import (
    ArtifactQuery,
    FlowRunQuery,
    LogQuery,
    Store,
    TaskRunQuery,
)

#: an id list that filters left empty: the query can match nothing
_NOTHING: list[str] = []


def _ids(values: list[Any] | None) -> list[str] | None:
    return None if values is None else [str(value) for value in values]


def _ts(value: Any) -> float | None:
    return None if value is None else value.timestamp()


def _narrow(current: list[Any] | None, allowed: list[Any]) -> list[Any]:
    """The ids in both lists (the second when there is no first)."""
    if current is None:
        return list(allowed)
    keep = set(allowed)
    return [value for value in current if value in keep]


def _state_parts(state: State) -> tuple[str, str, str | None]:
    return state.type.value, state.name, state.message


class SyncPrefectClient:
    """Prefect's `SyncPrefectClient` methods for runs, logs, deployments, variables and
    block documents, over the store in force when it was made."""

    def __init__(self, store: Store | None = None) -> None:
        if store is None:
            from headrace.store import get_store

            store = get_store()
        self._store = store

    # -- context manager and health -----------------------------------------------------
    def __enter__(self) -> SyncPrefectClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._store.flush()

    @property
    def api_url(self) -> str | None:
        """The server's API URL, or None when the client reads a database directly."""
        from headrace.settings import get_settings

        return get_settings().api_url

    def api_healthcheck(self) -> Exception | None:
        """None if the store answers, else the error."""
        try:
            self._store.runs.count_flow_runs(FlowRunQuery(limit=1))
        except Exception as exc:  # noqa: BLE001 - the error is the answer
            return exc
        return None

    def hello(self) -> str:
        return "👋"

    # -- flow runs ------------------------------------------------------------------------
    def read_flow_run(self, flow_run_id: uuid.UUID | str) -> FlowRun:
        row = self._store.runs.read_flow_run(str(flow_run_id))
        if row is None or row["id"] != str(flow_run_id):
            raise ObjectNotFound(f"flow run {str(flow_run_id)!r} not found")
        return FlowRun.from_row(dict(row))

    def read_flow_runs(
        self,
        *,
        flow_filter: FlowFilter | None = None,
        flow_run_filter: FlowRunFilter | None = None,
        task_run_filter: TaskRunFilter | None = None,
        deployment_filter: DeploymentFilter | None = None,
        work_pool_filter: WorkPoolFilter | None = None,
        work_queue_filter: Any = None,
        sort: FlowRunSort | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[FlowRun]:
        """Flow runs matching every filter given; newest first unless `sort` says."""
        if work_queue_filter is not None:
            raise ValueError("headrace has no work queues; filter by work pool instead")
        query = self._flow_run_query(
            flow_filter, flow_run_filter, task_run_filter, deployment_filter, work_pool_filter
        )
        if query is None:
            return []
        query.sort = RUN_SORTS[FlowRunSort(sort).value] if sort else "created_desc"  # type: ignore[assignment]
        query.limit, query.offset = limit, offset
        return [FlowRun.from_row(dict(row)) for row in self._store.runs.read_flow_runs(query)]

    def count_flow_runs(
        self,
        *,
        flow_filter: FlowFilter | None = None,
        flow_run_filter: FlowRunFilter | None = None,
        task_run_filter: TaskRunFilter | None = None,
        deployment_filter: DeploymentFilter | None = None,
        work_pool_filter: WorkPoolFilter | None = None,
    ) -> int:
        query = self._flow_run_query(
            flow_filter, flow_run_filter, task_run_filter, deployment_filter, work_pool_filter
        )
        return 0 if query is None else self._store.runs.count_flow_runs(query)

    def read_flow_run_states(self, flow_run_id: uuid.UUID | str) -> list[State]:
        rows = self._store.runs.read_states(str(flow_run_id))
        return [State(r["type"], r["name"], r["message"], timestamp=r["timestamp"]) for r in rows]

    def set_flow_run_state(
        self, flow_run_id: uuid.UUID | str, state: State, force: bool = False
    ) -> OrchestrationResult:
        """Set a run's state. A run already in a final state keeps it (REJECT) unless
        `force`; an unknown id raises ObjectNotFound."""
        changed = self._store.runs.set_flow_run_state(
            str(flow_run_id), *_state_parts(state), force=force
        )
        return self._result(changed, self.read_flow_run(flow_run_id).state)

    def create_flow_run_from_deployment(
        self,
        deployment_id: uuid.UUID | str,
        *,
        parameters: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        state: State | None = None,
        name: str | None = None,
        tags: Any = None,
        idempotency_key: str | None = None,
        parent_task_run_id: uuid.UUID | None = None,
        work_queue_name: str | None = None,
        job_variables: dict[str, Any] | None = None,
        labels: Any = None,
    ) -> FlowRun:
        """A run of a deployment (Scheduled now unless `state` says otherwise) for a
        worker of its pool or its serve process to pick up; its parameters are the
        deployment's defaults updated with `parameters`."""
        deployment = self._store.deployments.read(str(deployment_id))
        if deployment is None:
            raise ObjectNotFound(f"deployment {str(deployment_id)!r} not found")
        merged = {**deployment.parameters, **(parameters or {})}
        names = deployment.parameter_names
        unknown = sorted(set(merged) - set(names)) if names is not None else []
        if unknown:
            raise ValueError(
                f"flow {deployment.flow_name!r} has no parameter(s) {', '.join(unknown)}; "
                f"it takes: {', '.join(names or []) or 'none'}"
            )
        state = state or State("SCHEDULED")
        when = time.time()
        scheduled = state._details.scheduled_time if state._details is not None else None
        if scheduled is not None:
            when = scheduled.timestamp()
        run_id = self._store.deployments.create_flow_run(
            deployment, merged, when, _state_parts(state), name, list(tags or [])
        )
        return self.read_flow_run(run_id)

    # -- task runs ------------------------------------------------------------------------
    def read_task_run(self, task_run_id: uuid.UUID | str) -> TaskRun:
        row = self._store.runs.read_task_run(str(task_run_id))
        if row is None:
            raise ObjectNotFound(f"task run {str(task_run_id)!r} not found")
        return TaskRun.from_row(dict(row))

    def read_task_runs(
        self,
        *,
        flow_filter: FlowFilter | None = None,
        flow_run_filter: FlowRunFilter | None = None,
        task_run_filter: TaskRunFilter | None = None,
        deployment_filter: DeploymentFilter | None = None,
        sort: TaskRunSort | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[TaskRun]:
        """Task runs matching every filter given; in creation order unless `sort` says."""
        query = TaskRunQuery(limit=limit, offset=offset)
        if sort:
            query.sort = RUN_SORTS[TaskRunSort(sort).value]  # type: ignore[assignment]
        if flow_filter or flow_run_filter or deployment_filter:
            runs = self._flow_run_query(flow_filter, flow_run_filter, None, deployment_filter)
            if runs is None:
                return []
            runs.limit = None
            query.flow_run_ids = [r["id"] for r in self._store.runs.read_flow_runs(runs)]
        if task_run_filter is not None:
            self._apply_task_run_filter(query, task_run_filter)
        rows = self._store.runs.read_task_runs(query)
        return [TaskRun.from_row(dict(row)) for row in rows]

    def read_task_run_states(self, task_run_id: uuid.UUID | str) -> list[State]:
        return self.read_flow_run_states(task_run_id)

    def set_task_run_state(
        self, task_run_id: uuid.UUID | str, state: State, force: bool = False
    ) -> OrchestrationResult:
        changed = self._store.runs.set_task_run_state(
            str(task_run_id), *_state_parts(state), force=force
        )
        return self._result(changed, self.read_task_run(task_run_id).state)

    # -- logs -------------------------------------------------------------------------------
    def read_logs(
        self,
        log_filter: LogFilter | None = None,
        limit: int | None = None,
        offset: int | None = None,
        sort: LogSort | None = None,
    ) -> list[Log]:
        """Run logs matching the filter, oldest first unless `sort` says."""
        query = LogQuery(limit=limit, offset=offset or 0)
        if sort is not None and LogSort(sort) is LogSort.TIMESTAMP_DESC:
            query.sort = "timestamp_desc"
        if log_filter is not None:
            if log_filter.level is not None:
                query.level_min = log_filter.level.ge_
                query.level_max = log_filter.level.le_
            if log_filter.name is not None:
                query.loggers = log_filter.name.any_
            if log_filter.text is not None:
                query.text = log_filter.text.query
            if log_filter.timestamp is not None:
                query.after = _ts(log_filter.timestamp.after_)
                query.before = _ts(log_filter.timestamp.before_)
            if log_filter.flow_run_id is not None:
                query.flow_run_ids = _ids(log_filter.flow_run_id.any_)
            if log_filter.task_run_id is not None:
                query.task_run_ids = _ids(log_filter.task_run_id.any_)
        return [Log.from_row(dict(row)) for row in self._store.runs.read_logs(query)]

    # -- work pools and their queue ---------------------------------------------------------
    def create_work_pool(self, work_pool: WorkPoolCreate, overwrite: bool = False) -> WorkPool:
        """A new work pool (ObjectAlreadyExists if the name is taken, unless `overwrite`)."""
        row = self._store.deployments.create_work_pool(work_pool.name, work_pool.type, overwrite)
        return WorkPool.from_row(dict(row))

    def read_work_pool(self, work_pool_name: str) -> WorkPool:
        row = self._store.deployments.read_work_pool(work_pool_name)
        if row is None:
            raise ObjectNotFound(f"work pool {work_pool_name!r} not found")
        return WorkPool.from_row(dict(row))

    def read_work_pools(
        self,
        limit: int | None = None,
        offset: int = 0,
        work_pool_filter: WorkPoolFilter | None = None,
    ) -> list[WorkPool]:
        pools = [WorkPool.from_row(dict(row)) for row in self._store.deployments.list_work_pools()]
        if work_pool_filter is not None and work_pool_filter.name is not None:
            names = work_pool_filter.name.any_
            if names is not None:
                pools = [pool for pool in pools if pool.name in names]
        pools = pools[offset or 0 :]
        return pools if limit is None else pools[:limit]

    def delete_work_pool(self, work_pool_name: str) -> None:
        if not self._store.deployments.delete_work_pool(work_pool_name):
            raise ObjectNotFound(f"work pool {work_pool_name!r} not found")

    def read_workers_for_work_pool(
        self, work_pool_name: str, limit: int | None = None, offset: int | None = None
    ) -> list[Worker]:
        """The pool's workers, newest first; a stopped (or reaped) one is OFFLINE."""
        pool = self.read_work_pool(work_pool_name)
        rows = self._store.deployments.list_workers(work_pool_name)
        workers = sorted(
            (Worker.from_row(dict(row)) for row in rows),
            key=lambda worker: worker.created or 0,
            reverse=True,
        )
        for worker in workers:
            worker.work_pool_id = pool.id
        workers = workers[offset or 0 :]
        return workers if limit is None else workers[:limit]

    def read_work_queues(
        self,
        work_pool_name: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[WorkQueue]:
        """The queues of a pool (of every pool without a name): a headrace pool has one,
        `default`, from which all its deployments run."""
        if work_pool_name is not None:
            pools = [self.read_work_pool(work_pool_name)]
        else:
            pools = self.read_work_pools()
        queues = [WorkQueue.of_pool(pool) for pool in pools][offset:]
        return queues if limit is None else queues[:limit]

    def read_work_queue(self, id: uuid.UUID | str) -> WorkQueue:
        wanted = uuid.UUID(str(id))
        for queue in self.read_work_queues():
            if queue.id == wanted:
                return queue
        raise ObjectNotFound(f"work queue {id} not found")

    def read_work_queue_by_name(self, name: str, work_pool_name: str | None = None) -> WorkQueue:
        if name != DEFAULT_QUEUE_NAME or work_pool_name is None:
            raise ObjectNotFound(
                f"work queue {name!r} not found: a headrace work pool has one queue, "
                f"{DEFAULT_QUEUE_NAME!r} (name its pool with work_pool_name=)"
            )
        return WorkQueue.of_pool(self.read_work_pool(work_pool_name))

    def get_runs_in_work_queue(
        self, id: uuid.UUID | str, limit: int = 10, scheduled_before: Any = None
    ) -> list[FlowRun]:
        """The queue's Scheduled runs, soonest first, without claiming them (a worker
        claims them); `scheduled_before` limits them to those due by then."""
        queue = self.read_work_queue(id)
        query = FlowRunQuery(
            work_pool_names=[queue.work_pool_name],
            state_types=["SCHEDULED"],
            sort="expected_start_time_asc",
            limit=None if scheduled_before is not None else limit,
        )
        runs = [FlowRun.from_row(dict(row)) for row in self._store.runs.read_flow_runs(query)]
        if scheduled_before is not None:
            due = _ts(scheduled_before)
            runs = [
                run
                for run in runs
                if run.expected_start_time is not None
                and run.expected_start_time.timestamp() <= due
            ][:limit]
        return runs

    # -- deployments ------------------------------------------------------------------------
    def read_deployment(self, deployment_id: uuid.UUID | str) -> DeploymentResponse:
        record = self._store.deployments.read(str(deployment_id))
        if record is None:
            raise ObjectNotFound(f"deployment {str(deployment_id)!r} not found")
        return DeploymentResponse.from_record(record)

    def read_deployment_by_name(self, name: str) -> DeploymentResponse:
        """A deployment by `FLOW_NAME/DEPLOYMENT_NAME`."""
        flow_name, sep, deployment_name = name.partition("/")
        record = self._store.deployments.read_by_name(flow_name, deployment_name) if sep else None
        if record is None:
            raise ObjectNotFound(f"deployment {name!r} not found (use FLOW_NAME/DEPLOYMENT_NAME)")
        return DeploymentResponse.from_record(record)

    def read_deployments(
        self,
        *,
        flow_filter: FlowFilter | None = None,
        flow_run_filter: FlowRunFilter | None = None,
        task_run_filter: TaskRunFilter | None = None,
        deployment_filter: DeploymentFilter | None = None,
        work_pool_filter: WorkPoolFilter | None = None,
        work_queue_filter: Any = None,
        limit: int | None = None,
        sort: DeploymentSort | None = None,
        offset: int = 0,
    ) -> list[DeploymentResponse]:
        """Deployments matching every filter given, by name unless `sort` says."""
        if flow_run_filter is not None or task_run_filter is not None:
            raise ValueError("read_deployments filters by flow, deployment and work pool")
        if work_queue_filter is not None:
            raise ValueError("headrace has no work queues; filter by work pool instead")
        records = self._deployments(flow_filter, deployment_filter, work_pool_filter)
        order = DeploymentSort(sort) if sort else DeploymentSort.NAME_ASC
        keys = {
            DeploymentSort.CREATED_DESC: lambda r: -(r.created or 0),
            DeploymentSort.UPDATED_DESC: lambda r: -(r.updated or 0),
            DeploymentSort.NAME_ASC: lambda r: r.name,
            DeploymentSort.NAME_DESC: lambda r: r.name,
        }
        records.sort(key=keys[order], reverse=order is DeploymentSort.NAME_DESC)
        records = records[offset : None if limit is None else offset + limit]
        return [DeploymentResponse.from_record(record) for record in records]

    # -- variables --------------------------------------------------------------------------
    def read_variable_by_name(self, name: str) -> Variable | None:
        row = self._store.variables.get(name)
        return None if row is None else Variable.from_row(dict(row))

    def read_variables(self, limit: int | None = None) -> list[Variable]:
        return [Variable.from_row(dict(row)) for row in self._store.variables.list(limit)]

    def create_variable(self, variable: VariableCreate) -> Variable:
        """ObjectAlreadyExists if a variable of that name exists."""
        from headrace.variables import check_variable

        check_variable(variable.name, variable.value)
        row = self._store.variables.set(
            variable.name, variable.value, list(variable.tags or []), overwrite=False
        )
        return Variable.from_row(dict(row))

    def update_variable(self, variable: VariableUpdate) -> None:
        """ObjectNotFound if there is no variable of that name."""
        from headrace.variables import check_variable

        current = self._store.variables.get(variable.name)
        if current is None:
            raise ObjectNotFound(f"variable {variable.name!r} not found")
        check_variable(variable.name, variable.value)
        tags = current["tags"] if variable.tags is None else list(variable.tags)
        self._store.variables.set(variable.name, variable.value, tags, overwrite=True)

    def delete_variable_by_name(self, name: str) -> None:
        if not self._store.variables.delete(name):
            raise ObjectNotFound(f"variable {name!r} not found")

    # -- block documents ----------------------------------------------------------------------
    def read_block_document(
        self, block_document_id: uuid.UUID | str, include_secrets: bool = True
    ) -> BlockDocument:
        document = self._store.blocks.get_by_id(str(block_document_id))
        if document is None:
            raise ObjectNotFound(f"block document {str(block_document_id)!r} not found")
        return self._block_document(document, include_secrets)

    def read_block_document_by_name(
        self, name: str, block_type_slug: str, include_secrets: bool = True
    ) -> BlockDocument:
        document = self._store.blocks.find(block_type_slug, name)
        if document is None:
            raise ObjectNotFound(f"block document {block_type_slug}/{name} not found")
        return self._block_document(document, include_secrets)

    def read_block_documents(
        self,
        block_schema_type: str | None = None,
        offset: int | None = None,
        limit: int | None = None,
        include_secrets: bool = True,
    ) -> list[BlockDocument]:
        """Saved (named) block documents by type and name."""
        documents = self._store.blocks.list()
        start = offset or 0
        documents = documents[start : None if limit is None else start + limit]
        return [self._block_document(document, include_secrets) for document in documents]

    # -- artifacts --------------------------------------------------------------------------
    def create_artifact(self, artifact: ArtifactCreate) -> Artifact:
        """Publish an artifact (the next version of its key)."""
        row = self._store.artifacts.create(
            artifact.key,
            artifact.type,
            artifact.description,
            artifact.data,
            artifact.metadata_,
            _ids([artifact.flow_run_id])[0] if artifact.flow_run_id else None,
            _ids([artifact.task_run_id])[0] if artifact.task_run_id else None,
        )
        return Artifact.from_row(dict(row))

    def update_artifact(self, artifact_id: uuid.UUID | str, artifact: ArtifactUpdate) -> None:
        self._store.artifacts.update(
            str(artifact_id), artifact.data, artifact.description, artifact.metadata_
        )

    def delete_artifact(self, artifact_id: uuid.UUID | str) -> None:
        if not self._store.artifacts.delete(str(artifact_id)):
            raise ObjectNotFound(f"artifact {str(artifact_id)!r} not found")

    def read_artifacts(
        self,
        *,
        artifact_filter: ArtifactFilter | None = None,
        flow_run_filter: FlowRunFilter | None = None,
        task_run_filter: TaskRunFilter | None = None,
        sort: ArtifactSort | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Artifact]:
        """Artifacts matching every filter given; newest first unless `sort` says."""
        query = self._artifact_query(artifact_filter, flow_run_filter, task_run_filter)
        if query is None:
            return []
        query.sort = ARTIFACT_SORTS[ArtifactSort(sort).value] if sort else "created_desc"  # type: ignore[assignment]
        query.limit, query.offset = limit, offset
        return [Artifact.from_row(dict(row)) for row in self._store.artifacts.list(query)]

    def read_latest_artifacts(
        self,
        *,
        artifact_filter: ArtifactCollectionFilter | None = None,
        flow_run_filter: FlowRunFilter | None = None,
        task_run_filter: TaskRunFilter | None = None,
        sort: ArtifactCollectionSort | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ArtifactCollection]:
        """The newest artifact of each key."""
        query = self._artifact_query(artifact_filter, flow_run_filter, task_run_filter)
        if query is None:
            return []
        query.latest_only = True
        order = ArtifactCollectionSort(sort).value if sort else "KEY_ASC"
        query.sort = ARTIFACT_SORTS[order]  # type: ignore[assignment]
        query.limit, query.offset = limit, offset
        rows = self._store.artifacts.list(query)
        return [ArtifactCollection.from_row(dict(row)) for row in rows]

    # -- helpers --------------------------------------------------------------------------------
    @staticmethod
    def _result(changed: bool, state: State | None) -> OrchestrationResult:
        if changed:
            return OrchestrationResult(
                state=state, status=SetStateStatus.ACCEPT, details=StateAcceptDetails()
            )
        reason = "the run is already in a final state; pass force=True to change it"
        return OrchestrationResult(
            state=state, status=SetStateStatus.REJECT, details=StateRejectDetails(reason=reason)
        )

    def _block_document(self, document: Any, include_secrets: bool) -> BlockDocument:
        from headrace.blocks.core import api_document

        return api_document(self._store, document, include_secrets)

    def _deployments(
        self,
        flow_filter: FlowFilter | None,
        deployment_filter: DeploymentFilter | None,
        work_pool_filter: WorkPoolFilter | None,
    ) -> list[Any]:
        flow_names = None
        if flow_filter is not None and flow_filter.name is not None:
            flow_names = flow_filter.name.any_
        records = self._store.deployments.list(flow_names=flow_names)
        if flow_filter is not None and flow_filter.name is not None and flow_filter.name.like_:
            like = flow_filter.name.like_.lower()
            records = [r for r in records if like in r.flow_name.lower()]
        if work_pool_filter is not None and work_pool_filter.name is not None:
            pools = set(work_pool_filter.name.any_ or ())
            records = [r for r in records if r.work_pool_name in pools]
        if deployment_filter is not None:
            f = deployment_filter
            if f.id is not None and f.id.any_ is not None:
                wanted = set(_ids(f.id.any_) or ())
                records = [r for r in records if r.id in wanted]
            if f.name is not None and f.name.any_ is not None:
                records = [r for r in records if r.name in f.name.any_]
            if f.name is not None and f.name.like_:
                like = f.name.like_.lower()
                records = [r for r in records if like in r.name.lower()]
            if f.tags is not None and f.tags.all_:
                records = [r for r in records if set(f.tags.all_) <= set(r.tags)]
            if f.paused is not None and f.paused.eq_ is not None:
                records = [r for r in records if r.paused is f.paused.eq_]
        return records

    def _artifact_query(
        self,
        artifact_filter: ArtifactFilter | ArtifactCollectionFilter | None,
        flow_run_filter: FlowRunFilter | None,
        task_run_filter: TaskRunFilter | None,
    ) -> ArtifactQuery | None:
        """The store query for these filters; None when they can match nothing."""
        query = ArtifactQuery(limit=None)
        f = artifact_filter
        if f is not None:
            if getattr(f, "id", None) is not None and f.id.any_ is not None:  # type: ignore[union-attr]
                query.ids = _ids(f.id.any_)  # type: ignore[union-attr]
            if f.key is not None:
                query.keys = f.key.any_
                query.key_like = f.key.like_
                query.key_exists = f.key.exists_
            if f.type is not None:
                query.types = f.type.any_
                query.exclude_types = f.type.not_any_
            if f.flow_run_id is not None and f.flow_run_id.any_ is not None:
                query.flow_run_ids = _ids(f.flow_run_id.any_)
            if f.task_run_id is not None and f.task_run_id.any_ is not None:
                query.task_run_ids = _ids(f.task_run_id.any_)
        if flow_run_filter is not None:
            runs = self._flow_run_query(None, flow_run_filter, None, None)
            if runs is None:
                return None
            ids = [row["id"] for row in self._store.runs.read_flow_runs(runs)]
            query.flow_run_ids = _narrow(query.flow_run_ids, ids)
        if task_run_filter is not None:
            tasks = TaskRunQuery(limit=None)
            self._apply_task_run_filter(tasks, task_run_filter)
            ids = [row["id"] for row in self._store.runs.read_task_runs(tasks)]
            query.task_run_ids = _narrow(query.task_run_ids, ids)
        return query

    def _flow_run_query(
        self,
        flow_filter: FlowFilter | None,
        flow_run_filter: FlowRunFilter | None,
        task_run_filter: TaskRunFilter | None,
        deployment_filter: DeploymentFilter | None,
        work_pool_filter: WorkPoolFilter | None = None,
    ) -> FlowRunQuery | None:
        """The store query for these filters; None when they can match nothing."""
        query = FlowRunQuery(limit=None)
        f = flow_run_filter
        if f is not None:
            if f.id is not None and f.id.any_ is not None:
                query.ids = _ids(f.id.any_)
            if f.name is not None:
                query.names, query.name_like = f.name.any_, f.name.like_
            if f.tags is not None:
                query.tags_all = f.tags.all_
            if f.deployment_id is not None:
                if f.deployment_id.any_ is not None:
                    query.deployment_ids = _ids(f.deployment_id.any_)  # type: ignore[assignment]
                if f.deployment_id.is_null_ is True:
                    query.deployment_ids = _narrow(query.deployment_ids, [None])
                elif f.deployment_id.is_null_ is False:
                    known = [r.id for r in self._store.deployments.list()]
                    query.deployment_ids = _narrow(query.deployment_ids, known)
            if f.state is not None:
                if f.state.type is not None:
                    query.state_types = _values(f.state.type.any_)
                    query.exclude_state_types = _values(f.state.type.not_any_)
                if f.state.name is not None:
                    query.state_names = f.state.name.any_
                    query.exclude_state_names = f.state.name.not_any_
            if f.start_time is not None:
                query.start_time_after = _ts(f.start_time.after_)
                query.start_time_before = _ts(f.start_time.before_)
            if f.parent_flow_run_id is not None and f.parent_flow_run_id.any_ is not None:
                query.parent_flow_run_ids = _ids(f.parent_flow_run_id.any_)  # type: ignore[assignment]
        if flow_filter is not None and flow_filter.name is not None:
            query.flow_names = flow_filter.name.any_
            query.flow_name_like = flow_filter.name.like_
        if deployment_filter is not None:
            ids = [r.id for r in self._deployments(None, deployment_filter, None)]
            query.deployment_ids = _narrow(query.deployment_ids, ids)
        if work_pool_filter is not None and work_pool_filter.name is not None:
            query.work_pool_names = work_pool_filter.name.any_
        if task_run_filter is not None:
            tasks = TaskRunQuery()
            self._apply_task_run_filter(tasks, task_run_filter)
            found = {r["flow_run_id"] for r in self._store.runs.read_task_runs(tasks)}
            query.ids = _narrow(query.ids, sorted(run_id for run_id in found if run_id))
        if query.ids == _NOTHING or query.deployment_ids == _NOTHING:
            return None
        return query

    @staticmethod
    def _apply_task_run_filter(query: TaskRunQuery, f: TaskRunFilter) -> None:
        if f.id is not None and f.id.any_ is not None:
            query.ids = _ids(f.id.any_)
        if f.name is not None:
            query.names, query.name_like = f.name.any_, f.name.like_
        if f.tags is not None:
            query.tags_all = f.tags.all_
        if f.state is not None:
            if f.state.type is not None:
                query.state_types = _values(f.state.type.any_)
                query.exclude_state_types = _values(f.state.type.not_any_)
            if f.state.name is not None:
                query.state_names = f.state.name.any_
                query.exclude_state_names = f.state.name.not_any_
        if f.start_time is not None:
            query.start_time_after = _ts(f.start_time.after_)
            query.start_time_before = _ts(f.start_time.before_)
        if f.flow_run_id is not None:
            if f.flow_run_id.any_ is not None:
                query.flow_run_ids = _narrow(query.flow_run_ids, _ids(f.flow_run_id.any_) or [])
            if f.flow_run_id.is_null_ is True:
                query.flow_run_ids = _narrow(query.flow_run_ids, [None])


def _values(states: list[Any] | None) -> list[str] | None:
    """State types as stored, from `StateType` members or strings."""
    if states is None:
        return None
    return [getattr(state, "value", state).upper() for state in states]


class PrefectClient:
    """Prefect's async `PrefectClient` methods (see `SyncPrefectClient`); each call runs
    the store work in a worker thread."""

    def __init__(self, store: Store | None = None) -> None:
        self._sync = SyncPrefectClient(store)

    async def __aenter__(self) -> PrefectClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.to_thread(self._sync._store.flush)

    @property
    def api_url(self) -> str | None:
        return self._sync.api_url


def _make_async(name: str) -> Any:
    sync_method = getattr(SyncPrefectClient, name)

    @functools.wraps(sync_method)
    async def method(self: PrefectClient, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(sync_method, self._sync, *args, **kwargs)

    return method


_ASYNC_METHODS = [
    name
    for name, value in vars(SyncPrefectClient).items()
    if callable(value) and not name.startswith("_")
]
for _name in _ASYNC_METHODS:
    setattr(PrefectClient, _name, _make_async(_name))


def get_client(
    httpx_settings: dict[str, Any] | None = None, sync_client: bool = False
) -> PrefectClient | SyncPrefectClient:
    """A client for the store in force: the local database, or the headrace server when
    `HEADRACE_API_URL` is set. Use it as a context manager (`async with` / `with`)."""
    return SyncPrefectClient() if sync_client else PrefectClient()


# Prefect's names for these classes
HeadraceClient = PrefectClient
SyncHeadraceClient = SyncPrefectClient

__all__ = [
    "HeadraceClient",
    "PrefectClient",
    "SyncHeadraceClient",
    "SyncPrefectClient",
    "get_client",
]
