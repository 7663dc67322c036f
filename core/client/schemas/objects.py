"""What `get_client()` returns: runs, logs, deployments, variables and block documents,
with the field names of Prefect's client schemas.

Ids are UUIDs and times timezone-aware datetimes. A flow is known by its name, so
`flow_id` is a UUID derived from the flow name (the same name, the same id everywhere);
`flow_name` is there too.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from headrace.blocks.schemas import BlockDocument, BlockSchema, BlockType
from headrace.states import State, StateType

_FLOW_NAMESPACE = uuid.UUID("6f0c1f0e-7a5b-4b8e-9d3e-68656164726d")


def flow_id(flow_name: str) -> uuid.UUID:
    """The id `get_client()` gives the flow called `flow_name`."""
    return uuid.uuid5(_FLOW_NAMESPACE, flow_name)


def _utc(ts: float | None) -> dt.datetime | None:
    return None if ts is None else dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc)


def _uuid(value: str | None) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(value)


class ObjectBaseModel(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, extra="ignore")

    id: uuid.UUID
    created: dt.datetime | None = None
    updated: dt.datetime | None = None


def _state(row: dict[str, Any], timestamp: float | None) -> State | None:
    if not row.get("state_type"):
        return None
    return State(row["state_type"], row["state_name"], row["state_message"], timestamp=timestamp)


def _run_times(row: dict[str, Any]) -> dict[str, Any]:
    start, end = row.get("start_time"), row.get("end_time")
    return {
        "start_time": _utc(start),
        "end_time": _utc(end),
        "total_run_time": dt.timedelta(seconds=(end - start) if start and end else 0.0),
        "created": _utc(row["created"]),
        "updated": _utc(end or start or row["created"]),
        "run_count": row["run_count"],
        "tags": list(row["tags"]),
        "state_type": StateType(row["state_type"]) if row.get("state_type") else None,
        "state_name": row.get("state_name"),
        "state": _state(row, end or start or row["created"]),
    }


class FlowRun(ObjectBaseModel):
    name: str
    flow_id: uuid.UUID
    flow_name: str
    flow_version: str | None = None
    deployment_id: uuid.UUID | None = None
    work_pool_name: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    parent_task_run_id: uuid.UUID | None = None
    parent_flow_run_id: uuid.UUID | None = None
    run_count: int = 0
    expected_start_time: dt.datetime | None = None
    next_scheduled_start_time: dt.datetime | None = None
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None
    total_run_time: dt.timedelta = dt.timedelta(0)
    auto_scheduled: bool | None = None
    state_type: StateType | None = None
    state_name: str | None = None
    state: State | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> FlowRun:
        scheduled = row.get("scheduled_time")
        expected = scheduled if scheduled is not None else row.get("start_time") or row["created"]
        waiting = row.get("state_type") == "SCHEDULED"
        return cls(
            id=uuid.UUID(row["id"]),
            name=row["name"],
            flow_id=flow_id(row["flow_name"]),
            flow_name=row["flow_name"],
            flow_version=row.get("flow_version"),
            deployment_id=_uuid(row.get("deployment_id")),
            parameters=row.get("parameters") or {},
            parent_task_run_id=_uuid(row.get("parent_task_run_id")),
            parent_flow_run_id=_uuid(row.get("parent_flow_run_id")),
            expected_start_time=_utc(expected),
            next_scheduled_start_time=_utc(scheduled) if waiting else None,
            auto_scheduled=row.get("auto_scheduled"),
            **_run_times(row),
        )


class TaskRun(ObjectBaseModel):
    name: str
    flow_run_id: uuid.UUID | None = None
    task_key: str
    task_name: str
    dynamic_key: str | None = None
    cache_key: str | None = None
    tags: list[str] = Field(default_factory=list)
    run_count: int = 0
    expected_start_time: dt.datetime | None = None
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None
    total_run_time: dt.timedelta = dt.timedelta(0)
    state_type: StateType | None = None
    state_name: str | None = None
    state: State | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> TaskRun:
        return cls(
            id=uuid.UUID(row["id"]),
            name=row["name"],
            flow_run_id=_uuid(row.get("flow_run_id")),
            task_key=row["task_key"],
            task_name=row["task_name"],
            dynamic_key=row.get("dynamic_key"),
            cache_key=row.get("cache_key"),
            expected_start_time=_utc(row.get("start_time") or row["created"]),
            **_run_times(row),
        )


class Log(BaseModel):
    id: int
    name: str
    level: int
    message: str
    timestamp: dt.datetime
    flow_run_id: uuid.UUID | None = None
    task_run_id: uuid.UUID | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Log:
        return cls(
            id=row["id"],
            name=row["logger"],
            level=row["level"],
            message=row["message"],
            timestamp=_utc(row["timestamp"]),
            flow_run_id=_uuid(row.get("flow_run_id")),
            task_run_id=_uuid(row.get("task_run_id")),
        )


class DeploymentSchedule(BaseModel):
    """One schedule of a deployment; `schedule` is its description (`cron`, `interval`
    in seconds or `rrule`, with `timezone`)."""

    active: bool = True
    schedule: dict[str, Any]
    parameters: dict[str, Any] = Field(default_factory=dict)
    slug: str | None = None


class DeploymentResponse(ObjectBaseModel):
    name: str
    flow_id: uuid.UUID
    flow_name: str
    version: str | None = None
    description: str | None = None
    paused: bool = False
    schedules: list[DeploymentSchedule] = Field(default_factory=list)
    parameters: dict[str, Any] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    work_pool_name: str | None = None
    path: str | None = None
    entrypoint: str | None = None

    @classmethod
    def from_record(cls, record: Any) -> DeploymentResponse:
        schedules = []
        for data in record.schedules:
            description = {
                k: v for k, v in data.items() if k not in ("active", "parameters", "slug")
            }
            schedules.append(
                DeploymentSchedule(
                    active=data.get("active", True) is not False,
                    schedule=description,
                    parameters=data.get("parameters") or {},
                    slug=data.get("slug"),
                )
            )
        return cls(
            id=uuid.UUID(record.id),
            created=_utc(record.created),
            updated=_utc(record.updated),
            name=record.name,
            flow_id=flow_id(record.flow_name),
            flow_name=record.flow_name,
            version=record.version,
            description=record.description,
            paused=record.paused,
            schedules=schedules,
            parameters=record.parameters,
            tags=record.tags,
            work_pool_name=record.work_pool_name,
            path=record.path,
            entrypoint=record.entrypoint,
        )


Deployment = DeploymentResponse


class Variable(BaseModel):
    """A variable; `id` is derived from its name (names are unique)."""

    id: uuid.UUID
    name: str
    value: Any = None
    tags: list[str] = Field(default_factory=list)
    created: dt.datetime | None = None
    updated: dt.datetime | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Variable:
        return cls(
            id=uuid.uuid5(_FLOW_NAMESPACE, "variable:" + row["name"]),
            name=row["name"],
            value=row["value"],
            tags=row["tags"],
            created=_utc(row["created"]),
            updated=_utc(row["updated"]),
        )


class Artifact(ObjectBaseModel):
    """A published artifact, as `Artifact.get` and `read_artifacts` return it."""

    key: str | None = None
    type: str | None = None
    description: str | None = None
    data: Any = None
    metadata_: dict[str, str] | None = None
    flow_run_id: uuid.UUID | None = None
    task_run_id: uuid.UUID | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Artifact:
        return cls(**_artifact_fields(row))


class ArtifactCollection(ObjectBaseModel):
    """The newest artifact of a key (`latest_id`), as `read_latest_artifacts` returns it."""

    key: str
    latest_id: uuid.UUID
    type: str | None = None
    description: str | None = None
    data: Any = None
    metadata_: dict[str, str] | None = None
    flow_run_id: uuid.UUID | None = None
    task_run_id: uuid.UUID | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ArtifactCollection:
        fields = _artifact_fields(row)
        # a collection's id is the key's, stable across versions
        fields["latest_id"] = fields["id"]
        fields["id"] = uuid.uuid5(_FLOW_NAMESPACE, "artifact-key:" + row["key"])
        return cls(**fields)


def _artifact_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": uuid.UUID(row["id"]),
        "created": _utc(row["created"]),
        "updated": _utc(row["updated"]),
        "key": row["key"],
        "type": row["type"],
        "description": row["description"],
        "data": row["data"],
        "metadata_": row["metadata"],
        "flow_run_id": _uuid(row["flow_run_id"]),
        "task_run_id": _uuid(row["task_run_id"]),
    }


class FlowRunInput(ObjectBaseModel):
    """One stored input of a flow run (what `filter_flow_run_input` returns): a JSON
    `value` under a `key`, and who sent it."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    flow_run_id: uuid.UUID | str
    key: str
    value: str
    sender: str | None = None

    @field_validator("created", mode="before")
    @classmethod
    def _created_from_timestamp(cls, value: Any) -> Any:
        return _utc(value) if isinstance(value, (int, float)) else value

    @property
    def decoded_value(self) -> Any:
        """The value, decoded from JSON."""
        import json

        return json.loads(self.value)


class ConcurrencyLimitStrategy(str, enum.Enum):
    """What a deployment does with a run that finds its concurrency limit full: wait for a
    slot (`ENQUEUE`) or end the new run Cancelled (`CANCEL_NEW`)."""

    ENQUEUE = "ENQUEUE"
    CANCEL_NEW = "CANCEL_NEW"


class ConcurrencyOptions(BaseModel):
    collision_strategy: ConcurrencyLimitStrategy = ConcurrencyLimitStrategy.ENQUEUE


class ConcurrencyLimitConfig(BaseModel):
    """`concurrency_limit=` of a deployment with its collision strategy."""

    limit: int = Field(ge=1)
    collision_strategy: ConcurrencyLimitStrategy = ConcurrencyLimitStrategy.ENQUEUE


__all__ = [
    "Artifact",
    "ArtifactCollection",
    "ConcurrencyLimitConfig",
    "ConcurrencyLimitStrategy",
    "ConcurrencyOptions",
    "BlockDocument",
    "BlockSchema",
    "BlockType",
    "Deployment",
    "DeploymentResponse",
    "DeploymentSchedule",
    "FlowRun",
    "FlowRunInput",
    "Log",
    "TaskRun",
    "Variable",
    "flow_id",
    "WorkPool",
    "WorkQueue",
    "Worker",
]


#: a headrace work pool has one queue, under this name (Prefect's pools start with it)
DEFAULT_QUEUE_NAME = "default"
_QUEUE_NAMESPACE = uuid.UUID("5f0c2b4e-6f1d-4a3e-9b2a-7d1e8c4f0a61")


def work_queue_id(work_pool_name: str) -> uuid.UUID:
    """The id of a pool's queue: the same everywhere, derived from the pool's name."""
    return uuid.uuid5(_QUEUE_NAMESPACE, work_pool_name)


class WorkPool(ObjectBaseModel):
    name: str
    type: str
    is_paused: bool = False
    default_queue_id: uuid.UUID | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> WorkPool:
        name = row["name"]
        return cls(
            id=uuid.uuid5(_QUEUE_NAMESPACE, f"pool:{name}"),
            created=_utc(row["created"]),
            name=name,
            type=row["type"],
            default_queue_id=work_queue_id(name),
        )


class WorkQueue(ObjectBaseModel):
    """A pool's queue: every deployment of the pool runs from it."""

    name: str = DEFAULT_QUEUE_NAME
    work_pool_name: str
    work_pool_id: uuid.UUID | None = None
    is_paused: bool = False
    concurrency_limit: int | None = None
    priority: int = 1

    @classmethod
    def of_pool(cls, pool: WorkPool) -> WorkQueue:
        return cls(
            id=work_queue_id(pool.name),
            created=pool.created,
            work_pool_name=pool.name,
            work_pool_id=pool.id,
        )


class Worker(ObjectBaseModel):
    name: str
    work_pool_id: uuid.UUID | None = None
    work_pool_name: str
    last_heartbeat_time: dt.datetime | None = None
    status: str = "ONLINE"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Worker:
        return cls(
            id=uuid.uuid5(_QUEUE_NAMESPACE, f"worker:{row['id']}"),
            created=_utc(row["started"]),
            name=row["name"],
            work_pool_name=row["work_pool_name"],
            last_heartbeat_time=_utc(row["heartbeat"]),
            status="OFFLINE" if row["stopped"] is not None else "ONLINE",
        )
