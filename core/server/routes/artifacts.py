"""Artifacts: publish one (the next version of its key), read, filter, update, delete."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from headrace.server.routes.common import Router, found, respond, store
from headrace.store.interface import ArtifactQuery, ArtifactSortKey
from headrace.utilities.artifact_keys import check_artifact_key

router = Router(tags=["artifacts"])


class ArtifactWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(None, description="lowercase letters, digits and dashes")
    type: str | None = None
    description: str | None = None
    data: Any = None
    metadata: dict[str, str] | None = None
    flow_run_id: str | None = None
    task_run_id: str | None = None

    @field_validator("key")
    @classmethod
    def _key(cls, value: str | None) -> str | None:
        return None if value is None else check_artifact_key(value)


class ArtifactChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: Any = None
    description: str | None = None
    metadata: dict[str, str] | None = None


class ArtifactFilter(BaseModel):
    """Which artifacts (fields left out do not filter; the rest are ANDed)."""

    model_config = ConfigDict(extra="forbid")

    ids: list[str] | None = None
    keys: list[str] | None = None
    key_like: str | None = None
    key_exists: bool | None = None
    types: list[str] | None = None
    exclude_types: list[str] | None = None
    flow_run_ids: list[str] | None = None
    task_run_ids: list[str] | None = None
    latest_only: bool = Field(False, description="only the newest version of each key")
    sort: ArtifactSortKey = "created_desc"
    limit: int | None = Field(200, ge=0, le=10_000)
    offset: int = Field(0, ge=0)

    def query(self) -> ArtifactQuery:
        return ArtifactQuery(**self.model_dump())


@router.post("/artifacts", status_code=201)
def create_artifact(body: ArtifactWrite) -> JSONResponse:
    """Publish an artifact; a key's artifacts are numbered 1, 2, ... (`version`)."""
    row = store().artifacts.create(
        body.key,
        body.type,
        body.description,
        body.data,
        body.metadata,
        body.flow_run_id,
        body.task_run_id,
    )
    return respond(row, status_code=201)


@router.post("/artifacts/filter")
def read_artifacts(body: ArtifactFilter | None = None) -> JSONResponse:
    """Artifacts, newest first by default; `latest_only` gives one per key."""
    return respond(store().artifacts.list((body or ArtifactFilter()).query()))


@router.post("/artifacts/count")
def count_artifacts(body: ArtifactFilter | None = None) -> dict[str, int]:
    return {"count": store().artifacts.count((body or ArtifactFilter()).query())}


@router.get("/artifacts/{artifact_id}")
def read_artifact(artifact_id: str) -> JSONResponse:
    """One artifact by id (or a unique id prefix)."""
    return respond(found(store().artifacts.read(artifact_id), f"artifact {artifact_id!r}"))


@router.patch("/artifacts/{artifact_id}")
def update_artifact(artifact_id: str, body: ArtifactChange) -> JSONResponse:
    """Replace an artifact's data (a progress figure, say) and, if given, its description."""
    row = store().artifacts.update(artifact_id, body.data, body.description, body.metadata)
    return respond(row)


@router.delete("/artifacts/{artifact_id}")
def delete_artifact(artifact_id: str) -> dict[str, bool]:
    return {"deleted": store().artifacts.delete(artifact_id)}
