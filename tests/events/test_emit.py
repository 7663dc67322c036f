"""emit_event and the events headrace emits itself, against a real SQLite store."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from headrace import flow, tags
from headrace.events import Event, RelatedResource, emit_event
from headrace.store import get_store
from headrace.store.interface import EventQuery


def _events(**query) -> list[dict]:
    return get_store().events.read_events(EventQuery(sort="occurred_asc", **query))


def test_emit_event_returns_the_event_and_stores_it():
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    event = emit_event(
        "s3.file.uploaded",
        resource={"prefect.resource.id": "s3.bucket.data", "bucket": "data"},
        related=[{"prefect.resource.id": "user.ana", "prefect.resource.role": "uploader"}],
        payload={"key": "a.csv", "size": 12},
        occurred=when,
    )
    assert isinstance(event, Event)
    assert event.resource.id == "s3.bucket.data"
    assert isinstance(event.related[0], RelatedResource) and event.related[0].role == "uploader"
    assert event.occurred == when and isinstance(event.id, uuid.UUID)
    assert event.model_dump()["payload"] == {"key": "a.csv", "size": 12}
    [row] = _events()
    assert row["id"] == str(event.id)
    assert row["event"] == "s3.file.uploaded"
    assert row["resource"] == {"prefect.resource.id": "s3.bucket.data", "bucket": "data"}
    assert row["related"][0]["prefect.resource.role"] == "uploader"
    assert row["payload"] == {"key": "a.csv", "size": 12}
    assert row["occurred"] == when.timestamp()


def test_the_same_event_id_is_kept_once():
    event_id = uuid.uuid4()
    for _ in range(2):
        emit_event("x.happened", {"prefect.resource.id": "x"}, id=event_id)
    assert [row["id"] for row in _events()] == [str(event_id)]


def test_follows_links_to_a_recent_event():
    first = emit_event("job.started", {"prefect.resource.id": "job.1"})
    second = emit_event("job.ended", {"prefect.resource.id": "job.1"}, follows=first)
    assert second.follows == first.id
    assert _events(names=["job.ended"])[0]["follows"] == str(first.id)


@pytest.mark.parametrize(
    ("resource", "related", "error", "words"),
    [
        ({"name": "no id"}, None, ValueError, "prefect.resource.id"),
        ({"prefect.resource.id": 3}, None, TypeError, "string"),
        ("text", None, TypeError, "dict of labels"),
        ({"prefect.resource.id": "x"}, [{"prefect.resource.id": "y"}], ValueError, "role"),
    ],
)
def test_a_malformed_event_is_refused_and_nothing_is_stored(resource, related, error, words):
    with pytest.raises(error, match=words):
        emit_event("x.happened", resource, related=related)
    assert _events() == []


def test_an_event_in_a_flow_relates_to_its_flow_run_and_flow():
    @flow(name="emitter")
    def emitter() -> str:
        from headrace.runtime import flow_run

        emit_event("custom.thing", {"prefect.resource.id": "thing.1"})
        return flow_run.id

    run_id = emitter()
    [row] = _events(names=["custom.thing"])
    roles = {r["prefect.resource.role"]: r for r in row["related"]}
    assert roles["flow-run"]["prefect.resource.id"] == f"prefect.flow-run.{run_id}"
    assert roles["flow"]["prefect.resource.name"] == "emitter"
    assert _events(related_resource_ids=[f"prefect.flow-run.{run_id}"])[0]["id"] == row["id"]


def test_flow_run_state_changes_emit_prefects_events():
    @flow(name="states")
    def states(fail: bool) -> None:
        if fail:
            raise RuntimeError("boom")

    with tags("nightly"):
        states(False)
        with pytest.raises(RuntimeError):
            states(True)
    rows = _events(names=["prefect.flow-run.*"])
    assert [r["event"] for r in rows] == [
        "prefect.flow-run.Pending", "prefect.flow-run.Running", "prefect.flow-run.Completed",
        "prefect.flow-run.Pending", "prefect.flow-run.Running", "prefect.flow-run.Failed",
    ]  # fmt: skip
    completed = rows[2]
    assert completed["resource"]["prefect.resource.id"].startswith("prefect.flow-run.")
    assert completed["resource"]["prefect.state-type"] == "COMPLETED"
    assert completed["payload"]["intended"] == {"from": "RUNNING", "to": "COMPLETED"}
    assert completed["follows"] == rows[1]["id"]
    related = {r["prefect.resource.id"] for r in completed["related"]}
    assert "prefect.tag.nightly" in related
    assert rows[5]["resource"]["prefect.state-message"].endswith("boom")


def test_deployments_and_work_pools_emit_events():
    from headrace.deployments import records

    @flow(name="deployed")
    def deployed() -> None:
        pass

    records.create_work_pool("pool-a")
    deployment = deployed.to_deployment("nightly")
    first = deployment.apply()
    assert deployment.apply() == first
    records.delete_deployment(first)
    names = [r["event"] for r in _events(names=["prefect.deployment.*", "prefect.work-pool.*"])]
    assert names == [
        "prefect.work-pool.created",
        "prefect.deployment.created",
        "prefect.deployment.updated",
        "prefect.deployment.deleted",
    ]
    assert (
        _events(resource_ids=[f"prefect.deployment.{first}"])[0]["resource"][
            "prefect.resource.name"
        ]
        == "nightly"
    )


def test_event_filters():
    base = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    for index, (name, resource) in enumerate(
        [("a.one", "r.1"), ("a.two", "r.2"), ("b.one", "q.1"), ("a.one", "q.2")]
    ):
        emit_event(name, {"prefect.resource.id": resource},
                   occurred=base + dt.timedelta(minutes=index))  # fmt: skip
    names = lambda **q: [(r["event"], r["resource"]["prefect.resource.id"]) for r in _events(**q)]  # noqa: E731
    assert names(names=["a.*"]) == [("a.one", "r.1"), ("a.two", "r.2"), ("a.one", "q.2")]
    assert names(names=["a.one"], resource_ids=["q.*"]) == [("a.one", "q.2")]
    assert names(occurred_after=(base + dt.timedelta(minutes=1)).timestamp(),
                 occurred_before=(base + dt.timedelta(minutes=2)).timestamp()) == [
        ("a.two", "r.2"), ("b.one", "q.1")]  # fmt: skip
    assert get_store().events.count_events(EventQuery(names=["a_one"])) == 0  # `_` is literal
    newest = get_store().events.read_events(EventQuery(limit=1))
    assert newest[0]["resource"]["prefect.resource.id"] == "q.2"


async def test_get_events_client_sends_event_objects():
    from headrace.events import get_events_client

    event = Event(event="client.sent", resource={"prefect.resource.id": "c.1"}, payload={"a": 1})
    async with get_events_client() as client:
        await client.emit(event)
    [row] = _events(names=["client.sent"])
    assert row["id"] == str(event.id) and row["payload"] == {"a": 1}
