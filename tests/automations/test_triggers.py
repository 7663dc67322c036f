"""Trigger state machines, fed events and times directly (the evaluator's building blocks)."""

from __future__ import annotations

import itertools

import pytest
from pydantic import ValidationError

from headrace.automations._triggers import feed, tick
from headrace.events import CompoundTrigger, EventTrigger, Posture, SequenceTrigger

_ids = itertools.count()


def event(name: str, resource: str = "r.1", at: float = 0.0, related=(), **labels) -> dict:
    return {
        "id": f"e{next(_ids)}",
        "occurred": at,
        "event": name,
        "resource": {"prefect.resource.id": resource, **labels},
        "related": list(related),
        "payload": {},
        "follows": None,
        "received": at,
    }


def fires(trigger, events, state=None, now=None) -> list[str]:
    state = {} if state is None else state
    fired = []
    for item in events:
        fired += [f.event["id"] for f in feed(trigger, state, item, now or item["occurred"])]
    return fired


def test_reactive_fires_once_per_matching_event():
    trigger = EventTrigger(expect={"s3.file.*"}, match={"prefect.resource.id": "s3.*"})
    items = [event("s3.file.uploaded", "s3.a"), event("s3.file.deleted", "gcs.a"),
             event("other", "s3.a"), event("s3.file.deleted", "s3.b")]  # fmt: skip
    assert fires(trigger, items) == [items[0]["id"], items[3]["id"]]


def test_negated_and_related_matches():
    trigger = EventTrigger(
        expect={"prefect.flow-run.Failed"},
        match={"prefect.resource.id": "!prefect.flow-run.skip*"},
        match_related={"prefect.resource.role": "flow", "prefect.resource.name": "etl"},
    )
    flow = {"prefect.resource.id": "prefect.flow.1", "prefect.resource.role": "flow",
            "prefect.resource.name": "etl"}  # fmt: skip
    other = {**flow, "prefect.resource.name": "report"}
    items = [
        event("prefect.flow-run.Failed", "prefect.flow-run.1", related=[flow]),
        event("prefect.flow-run.Failed", "prefect.flow-run.skip-2", related=[flow]),
        event("prefect.flow-run.Failed", "prefect.flow-run.3", related=[other]),
    ]
    assert fires(trigger, items) == [items[0]["id"]]


def test_threshold_within_counts_events_in_a_window():
    trigger = EventTrigger(expect={"login.failed"}, threshold=3, within=60)
    items = [event("login.failed", at=t) for t in (0, 10, 100, 110, 120, 130)]
    # 0 and 10 are too far from the next; 100, 110, 120 complete one window
    assert fires(trigger, items) == [items[4]["id"]]


def test_for_each_counts_per_label_value():
    trigger = EventTrigger(expect={"job.failed"}, threshold=2, for_each={"prefect.resource.id"})
    items = [event("job.failed", "job.a"), event("job.failed", "job.b"),
             event("job.failed", "job.a"), event("job.failed", "job.b")]  # fmt: skip
    assert fires(trigger, items) == [items[2]["id"], items[3]["id"]]


def test_after_arms_the_trigger():
    trigger = EventTrigger(after={"deploy.started"}, expect={"deploy.failed"})
    items = [event("deploy.failed"), event("deploy.started"), event("deploy.failed"),
             event("deploy.failed")]  # fmt: skip
    assert fires(trigger, items) == [items[2]["id"]]


def test_proactive_fires_when_the_expected_event_does_not_come():
    trigger = EventTrigger(
        posture=Posture.Proactive, after={"job.started"}, expect={"job.finished"}, within=30,
        for_each={"prefect.resource.id"},
    )  # fmt: skip
    state: dict = {}
    assert fires(trigger, [event("job.started", "job.a", at=0)], state, now=0) == []
    assert fires(trigger, [event("job.started", "job.b", at=1)], state, now=1) == []
    assert fires(trigger, [event("job.finished", "job.b", at=5)], state, now=5) == []
    assert tick(trigger, state, 20) == []
    [late] = tick(trigger, state, 31)
    assert late.key == "job.a" and late.event["resource"]["prefect.resource.id"] == "job.a"
    assert tick(trigger, state, 100) == []  # fired once; waits for the next job.started


def test_proactive_without_after_watches_every_window():
    trigger = EventTrigger(posture="Proactive", expect={"heartbeat"}, within=10)
    state: dict = {}
    assert tick(trigger, state, 0) == []
    fires(trigger, [event("heartbeat", at=5)], state, now=5)
    assert tick(trigger, state, 10.5) == []  # a heartbeat came in the window
    assert len(tick(trigger, state, 21)) == 1  # none in the next one


def test_compound_and_sequence():
    a, b = EventTrigger(expect={"a"}), EventTrigger(expect={"b"})
    both = CompoundTrigger(require="all", triggers=[a, b], within=60)
    items = [event("a", at=0), event("a", at=1), event("b", at=2), event("b", at=200)]
    assert fires(both, items) == [items[2]["id"]]
    in_order = SequenceTrigger(triggers=[a, b], within=60)
    items = [event("b", at=0), event("a", at=1), event("b", at=2)]
    assert fires(in_order, items) == [items[2]["id"]]
    any_of = CompoundTrigger(require="any", triggers=[a, b])
    assert len(fires(any_of, [event("a"), event("b")])) == 2


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: EventTrigger(posture="Proactive", expect={"x"}, within=5), "at least 10"),
        (lambda: EventTrigger(expect={"x"}, threshold=0), "greater than or equal to 1"),
        (lambda: CompoundTrigger(require=3, triggers=[EventTrigger(expect={"x"})]), "between"),
        (lambda: EventTrigger(expect={"x"}, posture="Sideways"), "posture"),
    ],
)
def test_invalid_triggers_are_refused_with_a_clear_error(build, words):
    with pytest.raises(ValidationError, match=words):
        build()
