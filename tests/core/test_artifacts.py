"""Artifacts: Prefect 3's functions and `Artifact` class over a real store (SQLite and
PostgreSQL), linked to runs, versioned per key, sync and async, and the CLI."""

from __future__ import annotations

import asyncio
import json
import math
import uuid
import warnings

import pytest
from click.testing import CliRunner

from headrace import flow, task
from headrace.artifacts import (
    Artifact,
    ImageArtifact,
    acreate_markdown_artifact,
    aupdate_progress_artifact,
    create_image_artifact,
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from headrace.cli import build_cli
from headrace.client.orchestration import get_client
from headrace.client.schemas.filters import (
    ArtifactCollectionFilter,
    ArtifactCollectionFilterKey,
    ArtifactFilter,
    ArtifactFilterKey,
    ArtifactFilterType,
    FlowRunFilter,
    FlowRunFilterId,
)
from headrace.exceptions import ObjectNotFound
from headrace.store import get_store
from headrace.store.interface import ArtifactQuery


def _read(artifact_id: uuid.UUID) -> dict:
    row = get_store().artifacts.read(str(artifact_id))
    assert row is not None
    return row


def test_each_kind_is_stored_as_prefect_stores_it(store_backend):
    @task
    def in_task():
        return create_table_artifact(
            [{"name": "a", "score": 1.5}, {"name": "b", "score": math.nan}], key="scores"
        )

    @flow
    def report():
        ids = {
            "markdown": create_markdown_artifact("# Done\n*ok*", key="report", description="d"),
            "link": create_link_artifact("https://example.com/x", "the file"),
            "bare-link": create_link_artifact("https://example.com/y"),
            "image": create_image_artifact("https://example.com/i.png", key="chart"),
            "progress": create_progress_artifact(12.5, key="load"),
            "table": in_task(),
        }
        from headrace.runtime import flow_run

        return ids, flow_run.id

    ids, flow_run_id = report()
    markdown = _read(ids["markdown"])
    assert (markdown["type"], markdown["data"], markdown["description"]) == (
        "markdown",
        "# Done\n*ok*",
        "d",
    )
    assert markdown["flow_run_id"] == flow_run_id and markdown["task_run_id"] is None
    assert _read(ids["link"])["data"] == "[the file](https://example.com/x)"
    assert _read(ids["bare-link"])["data"] == "[https://example.com/y](https://example.com/y)"
    assert _read(ids["image"])["type"] == "image"
    assert _read(ids["progress"])["data"] == 12.5
    table = _read(ids["table"])
    assert table["type"] == "table"
    assert json.loads(table["data"]) == [{"name": "a", "score": 1.5}, {"name": "b", "score": None}]
    # made inside the task: linked to the task run and its flow run
    assert table["flow_run_id"] == flow_run_id
    task_run = get_store().runs.read_task_run(table["task_run_id"])
    assert task_run is not None and task_run["task_name"] == "in_task"


def test_a_key_keeps_versions_and_get_reads_the_newest(store_backend):
    @flow
    def publish(text: str):
        return create_markdown_artifact(text, key="daily")

    first, second = publish("monday"), publish("tuesday")
    assert [_read(first)["version"], _read(second)["version"]] == [1, 2]
    latest = Artifact.get("daily")
    assert latest is not None and latest.id == second and latest.data == "tuesday"
    assert Artifact.get("no-such-key") is None
    rows = get_store().artifacts.list(ArtifactQuery(latest_only=True))
    assert [(r["key"], r["version"]) for r in rows] == [("daily", 2)]
    assert get_store().artifacts.count(ArtifactQuery(keys=["daily"])) == 2


def test_concurrent_creates_under_one_key_get_distinct_versions(store_backend):
    from concurrent.futures import ThreadPoolExecutor

    store = get_store()

    def publish(i: int) -> int:
        return store.artifacts.create("busy", "markdown", None, str(i), None, None, None)["version"]

    with ThreadPoolExecutor(8) as pool:
        versions = sorted(pool.map(publish, range(40)))
    assert versions == list(range(1, 41))


def test_progress_is_updated_in_place_and_clamped(store_backend, caplog):
    @flow
    def load():
        artifact_id = create_progress_artifact(0.0, key="rows")
        update_progress_artifact(artifact_id, 40)
        update_progress_artifact(artifact_id, 140, description="overshot")
        return artifact_id

    artifact_id = load()
    row = _read(artifact_id)
    assert (row["data"], row["description"], row["version"]) == (100.0, "overshot", 1)
    assert row["updated"] >= row["created"]
    with pytest.raises(ObjectNotFound):
        update_progress_artifact(uuid.uuid4(), 5)


def test_bad_keys_and_data_are_refused_and_nothing_is_stored():
    @flow
    def bad(key):
        return create_markdown_artifact("x", key=key)

    for key in ("Has Caps", "under_score", "slash/key", ""):
        with pytest.raises(ValueError, match="lowercase letters, numbers, and dashes"):
            bad.fn(key)
    with pytest.raises(TypeError, match="JSON"):
        get_store().artifacts.create(None, "x", None, object(), None, None, None)
    assert get_store().artifacts.count(ArtifactQuery()) == 0


def test_outside_a_run_it_warns_as_prefect_and_still_stores():
    with pytest.warns(FutureWarning, match="outside of a flow or task run"):
        artifact_id = create_markdown_artifact("loose")
    row = _read(artifact_id)
    assert row["flow_run_id"] is None and row["key"] is None and row["version"] is None


def test_async_flows_await_the_same_names_and_the_a_twins():
    @task
    async def atask():
        return await create_table_artifact({"col": [1, 2]}, key="async-table")

    @flow
    async def aflow():
        first = await create_markdown_artifact("one", key="async-md")
        second = await acreate_markdown_artifact("two", key="async-md")
        progress = await create_progress_artifact(1, key="async-progress")
        await aupdate_progress_artifact(progress, 99)
        latest = await Artifact.get("async-md")
        created, was_created = await Artifact.get_or_create("async-new", type="json", data={"k": 1})
        return first, second, progress, latest, created, was_created, await atask()

    first, second, progress, latest, created, was_created, table = asyncio.run(aflow())
    assert latest.id == second and _read(first)["version"] == 1
    assert _read(progress)["data"] == 99
    assert was_created and json.loads(created.data) == {"k": 1}
    assert _read(table)["task_run_id"] is not None


def test_the_sync_spelling_can_be_forced_and_aio_is_the_async_twin():
    async def main():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            forced = create_markdown_artifact("sync", key="forced", _sync=True)
            awaited = await create_markdown_artifact.aio("async")
            got = Artifact.get("forced", _sync=True)
            made, created = Artifact.get_or_create("forced", _sync=True)
        return forced, awaited, got, made, created

    forced, awaited, got, made, created = asyncio.run(main())
    assert isinstance(forced, uuid.UUID) and _read(awaited)["data"] == "async"
    assert got.id == forced and made.id == forced and created is False


def test_artifact_class_create_get_or_create_and_format():
    @flow
    def make():
        made = Artifact(type="result", key="numbers", description="n", data={"x": [1, 2]}).create()
        again, created = Artifact.get_or_create(key="numbers", data={"other": True})
        image = ImageArtifact(image_url="https://example.com/a.png", key="img")
        return made, again, created, image.format(), image.create()

    made, again, created, formatted, image = make()
    assert made.type == "result" and json.loads(made.data) == {"x": [1, 2]}
    assert made.flow_run_id is not None
    assert again.id == made.id and created is False
    assert formatted == "https://example.com/a.png" and image.data == formatted
    with pytest.raises(ValueError):
        Artifact(key="Bad Key", data=1)


def test_client_reads_filters_latest_and_deletes():
    @flow
    def publish():
        create_markdown_artifact("a1", key="alpha")
        create_markdown_artifact("a2", key="alpha")
        create_table_artifact([[1, 2]], key="beta")
        from headrace.runtime import flow_run

        return flow_run.id

    run_id = publish()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        create_markdown_artifact("elsewhere", key="gamma")
    client = get_client(sync_client=True)
    tables = client.read_artifacts(
        artifact_filter=ArtifactFilter(type=ArtifactFilterType(any_=["table"]))
    )
    assert [a.key for a in tables] == ["beta"]
    alphas = client.read_artifacts(
        artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["alpha"]))
    )
    assert [a.data for a in alphas] == ["a2", "a1"]
    of_run = client.read_artifacts(
        flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[uuid.UUID(run_id)]))
    )
    assert sorted(a.key for a in of_run) == ["alpha", "alpha", "beta"]
    latest = client.read_latest_artifacts()
    assert [(c.key, c.data) for c in latest] == [
        ("alpha", "a2"),
        ("beta", "[[1, 2]]"),
        ("gamma", "elsewhere"),
    ]
    assert latest[0].latest_id == alphas[0].id
    only = client.read_latest_artifacts(
        artifact_filter=ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(like_="bet"))
    )
    assert [c.key for c in only] == ["beta"]
    client.delete_artifact(alphas[0].id)
    assert Artifact.get("alpha").data == "a1"
    with pytest.raises(ObjectNotFound):
        client.delete_artifact(alphas[0].id)


def test_cli_ls_inspect_delete():
    @flow
    def publish():
        create_markdown_artifact("# first", key="weekly")
        create_markdown_artifact("# second\nmore", key="weekly")
        create_table_artifact({"a": [1]}, key="sums")

    publish()
    runner = CliRunner()
    cli = build_cli()
    listed = runner.invoke(cli, ["artifact", "ls", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [(r["key"], r["version"]) for r in rows] == [("sums", 1), ("weekly", 2)]
    every = json.loads(runner.invoke(cli, ["artifact", "ls", "--all", "--output", "json"]).output)
    assert len(every) == 3
    shown = runner.invoke(cli, ["artifact", "inspect", "weekly"])
    assert shown.exit_code == 0 and "weekly v2" in shown.output and "| # first" in shown.output
    by_id = runner.invoke(cli, ["artifact", "inspect", rows[0]["id"][:8], "--json"])
    assert json.loads(by_id.output)[0]["key"] == "sums"
    missing = runner.invoke(cli, ["artifact", "inspect", "nope"])
    assert missing.exit_code == 1 and "no artifact with key or id 'nope'" in missing.output
    deleted = runner.invoke(cli, ["artifact", "delete", "weekly", "--yes"])
    assert deleted.exit_code == 0 and "Deleted 2 version(s)" in deleted.output
    one = runner.invoke(cli, ["artifact", "delete", "--id", rows[0]["id"]])
    assert one.exit_code == 0
    assert get_store().artifacts.count(ArtifactQuery()) == 0
    usage = runner.invoke(cli, ["artifact", "delete"])
    assert usage.exit_code == 2
