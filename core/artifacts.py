"""Artifacts: what a run publishes for people to read — a markdown report, a table, a link,
a progress figure, an image — kept in the store, linked to the flow or task run that made
it, shown by `headrace artifact ls` and on the UI's run and artifacts pages.

Prefect 3's names and calling convention: `create_markdown_artifact(...)` returns the new
artifact's id; inside an async flow or task (or any running event loop outside a run) the
same call returns an awaitable, and the `a`-prefixed twins are always async. An artifact
with a `key` is the next version of that key; `Artifact.get(key)` reads the newest.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import math
import warnings
from typing import Any
from uuid import UUID

from headrace.client.schemas.actions import ArtifactCreate, ArtifactUpdate
from headrace.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from headrace.client.schemas.objects import Artifact as ArtifactResponse
from headrace.client.schemas.sorting import ArtifactSort
from headrace.utilities.asyncutils import async_dispatch, in_async_context

logger = logging.getLogger("headrace.artifacts")

Table = dict[str, list[Any]] | list[dict[str, Any]] | list[list[Any]]


def _client(client: Any) -> Any:
    """A sync client: the one given (sync or async), else one over the store in force."""
    from headrace.client.orchestration import PrefectClient, SyncPrefectClient

    if isinstance(client, PrefectClient):
        return client._sync
    if isinstance(client, SyncPrefectClient):
        return client
    return SyncPrefectClient()


def _use_async(sync: bool | None) -> bool:
    """Prefect's `_sync` switch for the classmethods (the functions use `async_dispatch`)."""
    return not sync if sync is not None else in_async_context()


def _run_ids() -> tuple[str | None, str | None]:
    """(task run id, flow run id) of the code calling; FutureWarning outside any run."""
    from headrace.context import FlowRunContext, TaskRunContext

    task_ctx = TaskRunContext.get()
    if task_ctx is not None:
        return task_ctx.task_run.id, task_ctx.task_run.flow_run_id
    flow_ctx = FlowRunContext.get()
    if flow_ctx is not None:
        return None, flow_ctx.flow_run.id
    warnings.warn(
        "Artifact creation outside of a flow or task run is deprecated and will be "
        "removed in a later version.",
        FutureWarning,
        stacklevel=4,
    )
    return None, None


class Artifact(ArtifactCreate):
    """An artifact to publish: `type`, an optional `key` (lowercase letters, digits and
    dashes), a `description` and JSON `data`. `create()` stores it, linked to the run that
    calls it, and returns the stored artifact."""

    def _request(self) -> ArtifactCreate:
        task_run_id, flow_run_id = _run_ids()
        return ArtifactCreate(
            type=self.type,
            key=self.key,
            description=self.description,
            data=self._format(),
            metadata_=self.metadata_,
            task_run_id=self.task_run_id or task_run_id,
            flow_run_id=self.flow_run_id or flow_run_id,
        )

    async def acreate(self, client: Any = None) -> ArtifactResponse:
        request = self._request()
        return await asyncio.to_thread(_client(client).create_artifact, request)

    @async_dispatch(acreate)
    def create(self, client: Any = None) -> ArtifactResponse:
        return _client(client).create_artifact(self._request())

    @classmethod
    def _get(cls, key: str | None, client: Any) -> ArtifactResponse | None:
        found = _client(client).read_artifacts(
            limit=1,
            sort=ArtifactSort.UPDATED_DESC,
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=None if key is None else [key])
            ),
        )
        return found[0] if found else None

    @classmethod
    async def aget(cls, key: str | None = None, client: Any = None) -> ArtifactResponse | None:
        """The most recently updated artifact with this key (any key if None), or None."""
        return await asyncio.to_thread(cls._get, key, client)

    @classmethod
    def get(cls, key: str | None = None, client: Any = None, _sync: bool | None = None) -> Any:
        """The most recently updated artifact with this key (any key if None), or None."""
        if _use_async(_sync):
            return cls.aget(key, client)
        return cls._get(key, client)

    @classmethod
    def _get_or_create(
        cls, key: str | None, description: str | None, data: Any, client: Any, **kwargs: Any
    ) -> tuple[ArtifactResponse, bool]:
        artifact = cls._get(key, client)
        if artifact is not None:
            return artifact, False
        new = cls(key=key, description=description, data=data, **kwargs)
        return new.create(client, _sync=True), True

    @classmethod
    async def aget_or_create(
        cls,
        key: str | None = None,
        description: str | None = None,
        data: Any = None,
        client: Any = None,
        **kwargs: Any,
    ) -> tuple[ArtifactResponse, bool]:
        """The artifact of `key` and False, or a new one made of the arguments and True."""
        return await asyncio.to_thread(
            functools.partial(cls._get_or_create, key, description, data, client, **kwargs)
        )

    @classmethod
    def get_or_create(
        cls,
        key: str | None = None,
        description: str | None = None,
        data: Any = None,
        client: Any = None,
        _sync: bool | None = None,
        **kwargs: Any,
    ) -> Any:
        """The artifact of `key` and False, or a new one made of the arguments and True."""
        if _use_async(_sync):
            return cls.aget_or_create(key, description, data, client, **kwargs)
        return cls._get_or_create(key, description, data, client, **kwargs)

    def _format(self) -> Any:
        return json.dumps(self.data)

    async def aformat(self) -> Any:
        return self._format()

    @async_dispatch(aformat)
    def format(self) -> Any:
        """The data as stored: JSON text for a plain artifact."""
        return self._format()


class LinkArtifact(Artifact):
    link: str
    link_text: str | None = None
    type: str | None = "markdown"

    def _format(self) -> str:
        return f"[{self.link_text or self.link}]({self.link})"


class MarkdownArtifact(Artifact):
    markdown: str
    type: str | None = "markdown"

    def _format(self) -> str:
        return self.markdown


class TableArtifact(Artifact):
    table: Table
    type: str | None = "table"

    @classmethod
    def _sanitize(cls, item: Any) -> Any:
        """NaN becomes None (JSON has no NaN)."""
        if isinstance(item, list):
            return [cls._sanitize(value) for value in item]
        if isinstance(item, dict):
            return {key: cls._sanitize(value) for key, value in item.items()}
        if isinstance(item, float) and math.isnan(item):
            return None
        return item

    def _format(self) -> str:
        return json.dumps(self._sanitize(self.table))


class ProgressArtifact(Artifact):
    progress: float
    type: str | None = "progress"

    def _format(self) -> float:
        if not 0.0 <= self.progress <= 100.0:
            logger.warning(
                "ProgressArtifact received an invalid value, Progress: %s%%", self.progress
            )
            self.progress = max(0.0, min(self.progress, 100.0))
            logger.warning("Interpreting as %s%% progress", self.progress)
        return self.progress


class ImageArtifact(Artifact):
    """An image shown from a URL the viewer's browser can reach."""

    image_url: str
    type: str | None = "image"

    def _format(self) -> str:
        return self.image_url


def _create(artifact: Artifact, client: Any = None) -> UUID:
    return artifact.create(client, _sync=True).id


async def _acreate(artifact: Artifact, client: Any = None) -> UUID:
    return (await artifact.acreate(client)).id


async def acreate_link_artifact(
    link: str,
    link_text: str | None = None,
    key: str | None = None,
    description: str | None = None,
    client: Any = None,
) -> UUID:
    """`create_link_artifact`, awaited."""
    artifact = LinkArtifact(key=key, description=description, link=link, link_text=link_text)
    return await _acreate(artifact, client)


@async_dispatch(acreate_link_artifact)
def create_link_artifact(
    link: str,
    link_text: str | None = None,
    key: str | None = None,
    description: str | None = None,
    client: Any = None,
) -> UUID:
    """Publish a link (a markdown artifact `[link_text](link)`); returns its id."""
    artifact = LinkArtifact(key=key, description=description, link=link, link_text=link_text)
    return _create(artifact, client)


async def acreate_markdown_artifact(
    markdown: str, key: str | None = None, description: str | None = None
) -> UUID:
    """`create_markdown_artifact`, awaited."""
    return await _acreate(MarkdownArtifact(key=key, description=description, markdown=markdown))


@async_dispatch(acreate_markdown_artifact)
def create_markdown_artifact(
    markdown: str, key: str | None = None, description: str | None = None
) -> UUID:
    """Publish a markdown report; returns its id."""
    return _create(MarkdownArtifact(key=key, description=description, markdown=markdown))


async def acreate_table_artifact(
    table: Table, key: str | None = None, description: str | None = None
) -> UUID:
    """`create_table_artifact`, awaited."""
    return await _acreate(TableArtifact(key=key, description=description, table=table))


@async_dispatch(acreate_table_artifact)
def create_table_artifact(
    table: Table, key: str | None = None, description: str | None = None
) -> UUID:
    """Publish a table: a dict of columns, a list of row dicts, or a list of row lists."""
    return _create(TableArtifact(key=key, description=description, table=table))


async def acreate_progress_artifact(
    progress: float, key: str | None = None, description: str | None = None
) -> UUID:
    """`create_progress_artifact`, awaited."""
    return await _acreate(ProgressArtifact(key=key, description=description, progress=progress))


@async_dispatch(acreate_progress_artifact)
def create_progress_artifact(
    progress: float, key: str | None = None, description: str | None = None
) -> UUID:
    """Publish a progress figure (0 to 100); move it on with `update_progress_artifact`."""
    return _create(ProgressArtifact(key=key, description=description, progress=progress))


def _progress_update(progress: float, description: str | None) -> ArtifactUpdate:
    artifact = ProgressArtifact(description=description, progress=progress)
    if description:
        return ArtifactUpdate(description=description, data=artifact._format())
    return ArtifactUpdate(data=artifact._format())


async def aupdate_progress_artifact(
    artifact_id: UUID,
    progress: float,
    description: str | None = None,
    client: Any = None,
) -> UUID:
    """`update_progress_artifact`, awaited."""
    update = _progress_update(progress, description)
    await asyncio.to_thread(_client(client).update_artifact, artifact_id, update)
    return artifact_id


@async_dispatch(aupdate_progress_artifact)
def update_progress_artifact(
    artifact_id: UUID,
    progress: float,
    description: str | None = None,
    client: Any = None,
) -> UUID:
    """Set a progress artifact's figure (and description, if given); returns its id."""
    _client(client).update_artifact(artifact_id, _progress_update(progress, description))
    return artifact_id


async def acreate_image_artifact(
    image_url: str, key: str | None = None, description: str | None = None
) -> UUID:
    """`create_image_artifact`, awaited."""
    return await _acreate(ImageArtifact(key=key, description=description, image_url=image_url))


@async_dispatch(acreate_image_artifact)
def create_image_artifact(
    image_url: str, key: str | None = None, description: str | None = None
) -> UUID:
    """Publish an image by URL; returns its id."""
    return _create(ImageArtifact(key=key, description=description, image_url=image_url))


__all__ = [
    "Artifact",
    "ImageArtifact",
    "LinkArtifact",
    "MarkdownArtifact",
    "ProgressArtifact",
    "TableArtifact",
    "acreate_image_artifact",
    "acreate_link_artifact",
    "acreate_markdown_artifact",
    "acreate_progress_artifact",
    "acreate_table_artifact",
    "aupdate_progress_artifact",
    "create_image_artifact",
    "create_link_artifact",
    "create_markdown_artifact",
    "create_progress_artifact",
    "create_table_artifact",
    "update_progress_artifact",
]
