"""Artifacts through a real server: the HTTP store backend and the REST routes."""

from __future__ import annotations

import httpx

from headrace import flow
from headrace.artifacts import (
    Artifact,
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)
from headrace.store import get_store
from headrace.store.interface import ArtifactQuery


def test_a_flow_publishes_through_the_server(remote, client_home):
    @flow
    def report():
        create_markdown_artifact("# v1", key="remote-report")
        artifact_id = create_progress_artifact(10, key="remote-progress")
        update_progress_artifact(artifact_id, 75, description="most")
        return create_markdown_artifact("# v2", key="remote-report")

    second = report()
    assert Artifact.get("remote-report").id == second
    rows = httpx.post(f"{remote.api}/artifacts/filter", json={"keys": ["remote-report"]}).json()
    assert [(r["version"], r["data"]) for r in rows] == [(2, "# v2"), (1, "# v1")]
    assert rows[0]["flow_run_id"] is not None
    progress = get_store().artifacts.list(ArtifactQuery(keys=["remote-progress"]))[0]
    assert (progress["data"], progress["description"]) == (75, "most")
    count = httpx.post(f"{remote.api}/artifacts/count", json={"latest_only": True}).json()
    assert count["count"] >= 2
    # nothing went to a local file
    assert not (client_home / "headrace.db").exists()


def test_bad_input_is_a_clear_422_and_missing_a_404(server):
    bad = httpx.post(f"{server.api}/artifacts", json={"key": "Not Valid", "data": 1})
    assert bad.status_code == 422 and "lowercase letters" in bad.json()["message"]
    extra = httpx.post(f"{server.api}/artifacts", json={"surprise": 1})
    assert extra.status_code == 422
    assert httpx.get(f"{server.api}/artifacts/{'0' * 8}").status_code == 404
    patch = httpx.patch(f"{server.api}/artifacts/{'0' * 8}", json={"data": 1})
    assert patch.status_code == 404
    made = httpx.post(f"{server.api}/artifacts", json={"key": "ok-key", "type": "x", "data": [1]})
    assert made.status_code == 201 and made.json()["version"] == 1
    gone = httpx.delete(f"{server.api}/artifacts/{made.json()['id']}").json()
    assert gone == {"deleted": True}
