"""Payloads `get_client()` takes to create or change objects (Prefect's names)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from headrace.utilities.artifact_keys import check_artifact_key


class VariableCreate(BaseModel):
    name: str
    value: Any = None
    tags: list[str] | None = None


class VariableUpdate(BaseModel):
    name: str
    value: Any = None
    tags: list[str] | None = None


class ArtifactCreate(BaseModel):
    """An artifact to publish; `key` takes lowercase letters, digits and dashes."""

    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(default=None)
    type: str | None = Field(default=None)
    description: str | None = Field(default=None)
    data: dict[str, Any] | Any | None = Field(default=None)
    metadata_: dict[str, str] | None = Field(default=None)
    flow_run_id: UUID | None = Field(default=None)
    task_run_id: UUID | None = Field(default=None)

    @field_validator("key")
    @classmethod
    def _valid_key(cls, value: str | None) -> str | None:
        return None if value is None else check_artifact_key(value)


class ArtifactUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: dict[str, Any] | Any | None = Field(default=None)
    description: str | None = Field(default=None)
    metadata_: dict[str, str] | None = Field(default=None)


class DeploymentScheduleCreate:
    """One schedule of a deployment before it is saved (what `to_deployment` puts in a
    deployment's `schedules`): `.schedule` is the `headrace.schedules` object, whose
    `active`, `parameters` and `slug` show through."""

    def __init__(self, schedule: Any) -> None:
        self.schedule = schedule

    @property
    def active(self) -> bool:
        return self.schedule.active

    @property
    def parameters(self) -> dict[str, Any]:
        return self.schedule.parameters

    @property
    def slug(self) -> str | None:
        return self.schedule.slug

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeploymentScheduleCreate) and other.schedule == self.schedule

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DeploymentScheduleCreate(schedule={self.schedule!r})"


__all__ = [
    "ArtifactCreate",
    "ArtifactUpdate",
    "DeploymentScheduleCreate",
    "VariableCreate",
    "VariableUpdate",
    "WorkPoolCreate",
]


class WorkPoolCreate(BaseModel):
    """A work pool to create: its name and the kind of worker that serves it."""

    name: str = Field(min_length=1)
    type: str = "process"
