"""Filters for `get_client()` reads, with Prefect's class and field names.

Each filter narrows by the criteria that are set (all must hold). The criteria headrace
can answer are declared; any other field is refused when the filter is built, so a
filter never silently matches more than asked.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class PrefectFilterBaseModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- flows (a flow is known by its name) ----------------------------------------------------
class FlowFilterId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None


class FlowFilterName(PrefectFilterBaseModel):
    any_: list[str] | None = None
    like_: str | None = None


class FlowFilter(PrefectFilterBaseModel):
    id: FlowFilterId | None = None
    name: FlowFilterName | None = None


# -- flow runs -------------------------------------------------------------------------------
class FlowRunFilterId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None


class FlowRunFilterName(PrefectFilterBaseModel):
    any_: list[str] | None = None
    like_: str | None = None


class FlowRunFilterTags(PrefectFilterBaseModel):
    all_: list[str] | None = None


class FlowRunFilterDeploymentId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None
    is_null_: bool | None = None


class FlowRunFilterStateType(PrefectFilterBaseModel):
    any_: list[str] | None = None
    not_any_: list[str] | None = None


class FlowRunFilterStateName(PrefectFilterBaseModel):
    any_: list[str] | None = None
    not_any_: list[str] | None = None


class FlowRunFilterState(PrefectFilterBaseModel):
    type: FlowRunFilterStateType | None = None
    name: FlowRunFilterStateName | None = None


class FlowRunFilterStartTime(PrefectFilterBaseModel):
    before_: dt.datetime | None = None
    after_: dt.datetime | None = None


class FlowRunFilterParentFlowRunId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None


class FlowRunFilter(PrefectFilterBaseModel):
    id: FlowRunFilterId | None = None
    name: FlowRunFilterName | None = None
    tags: FlowRunFilterTags | None = None
    deployment_id: FlowRunFilterDeploymentId | None = None
    state: FlowRunFilterState | None = None
    start_time: FlowRunFilterStartTime | None = None
    parent_flow_run_id: FlowRunFilterParentFlowRunId | None = None


# -- task runs -------------------------------------------------------------------------------
class TaskRunFilterId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None


class TaskRunFilterName(PrefectFilterBaseModel):
    any_: list[str] | None = None
    like_: str | None = None


class TaskRunFilterTags(PrefectFilterBaseModel):
    all_: list[str] | None = None


class TaskRunFilterStateType(PrefectFilterBaseModel):
    any_: list[str] | None = None
    not_any_: list[str] | None = None


class TaskRunFilterStateName(PrefectFilterBaseModel):
    any_: list[str] | None = None
    not_any_: list[str] | None = None


class TaskRunFilterState(PrefectFilterBaseModel):
    type: TaskRunFilterStateType | None = None
    name: TaskRunFilterStateName | None = None


class TaskRunFilterStartTime(PrefectFilterBaseModel):
    before_: dt.datetime | None = None
    after_: dt.datetime | None = None


class TaskRunFilterFlowRunId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None
    is_null_: bool | None = None


class TaskRunFilter(PrefectFilterBaseModel):
    id: TaskRunFilterId | None = None
    name: TaskRunFilterName | None = None
    tags: TaskRunFilterTags | None = None
    state: TaskRunFilterState | None = None
    start_time: TaskRunFilterStartTime | None = None
    flow_run_id: TaskRunFilterFlowRunId | None = None


# -- deployments and work pools ----------------------------------------------------------------
class DeploymentFilterId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None


class DeploymentFilterName(PrefectFilterBaseModel):
    any_: list[str] | None = None
    like_: str | None = None


class DeploymentFilterTags(PrefectFilterBaseModel):
    all_: list[str] | None = None


class DeploymentFilterPaused(PrefectFilterBaseModel):
    eq_: bool | None = None


class DeploymentFilter(PrefectFilterBaseModel):
    id: DeploymentFilterId | None = None
    name: DeploymentFilterName | None = None
    tags: DeploymentFilterTags | None = None
    paused: DeploymentFilterPaused | None = None


class WorkPoolFilterName(PrefectFilterBaseModel):
    any_: list[str] | None = None


class WorkPoolFilter(PrefectFilterBaseModel):
    name: WorkPoolFilterName | None = None


# -- logs ----------------------------------------------------------------------------------------
class LogFilterName(PrefectFilterBaseModel):
    any_: list[str] | None = None


class LogFilterLevel(PrefectFilterBaseModel):
    ge_: int | None = None
    le_: int | None = None


class LogFilterTimestamp(PrefectFilterBaseModel):
    before_: dt.datetime | None = None
    after_: dt.datetime | None = None


class LogFilterFlowRunId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None


class LogFilterTaskRunId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None


class LogFilterTextSearch(PrefectFilterBaseModel):
    """Words the message must contain (any case); `-word` must not, `"a phrase"` whole."""

    query: str = Field(max_length=200)


class LogFilter(PrefectFilterBaseModel):
    level: LogFilterLevel | None = None
    timestamp: LogFilterTimestamp | None = None
    flow_run_id: LogFilterFlowRunId | None = None
    task_run_id: LogFilterTaskRunId | None = None
    name: LogFilterName | None = None
    text: LogFilterTextSearch | None = None


# -- artifacts -----------------------------------------------------------------------------
class ArtifactFilterId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None


class ArtifactFilterKey(PrefectFilterBaseModel):
    any_: list[str] | None = None
    like_: str | None = None
    exists_: bool | None = None


class ArtifactFilterType(PrefectFilterBaseModel):
    any_: list[str] | None = None
    not_any_: list[str] | None = None


class ArtifactFilterFlowRunId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None


class ArtifactFilterTaskRunId(PrefectFilterBaseModel):
    any_: list[UUID] | None = None


class ArtifactFilter(PrefectFilterBaseModel):
    id: ArtifactFilterId | None = None
    key: ArtifactFilterKey | None = None
    type: ArtifactFilterType | None = None
    flow_run_id: ArtifactFilterFlowRunId | None = None
    task_run_id: ArtifactFilterTaskRunId | None = None


class ArtifactCollectionFilterKey(ArtifactFilterKey):
    pass


class ArtifactCollectionFilterType(ArtifactFilterType):
    pass


class ArtifactCollectionFilter(PrefectFilterBaseModel):
    key: ArtifactCollectionFilterKey | None = None
    type: ArtifactCollectionFilterType | None = None
    flow_run_id: ArtifactFilterFlowRunId | None = None
    task_run_id: ArtifactFilterTaskRunId | None = None
