"""Events and the evaluator's bookkeeping on each SQL backend (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from headrace.automations import Automation
from headrace.automations.evaluator import Evaluator
from headrace.events import DoNothing, EventTrigger, emit_event
from headrace.store import get_store
from headrace.store.interface import EventQuery


def test_events_filters_and_an_automation_on_each_backend(store_backend):
    base = dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc)
    for minute, (name, resource) in enumerate(
        [("a.one", "r_1"), ("a.two", "rx1"), ("b.one", "r_2")]
    ):
        emit_event(
            name,
            {"prefect.resource.id": resource},
            occurred=base + dt.timedelta(minutes=minute),
            related=[{"prefect.resource.id": "src.1", "prefect.resource.role": "source"}],
        )
    events = get_store().events
    assert [
        e["event"] for e in events.read_events(EventQuery(names=["a.*"], sort="occurred_asc"))
    ] == ["a.one", "a.two"]
    # `_` in a prefix is a literal character, not a LIKE wildcard
    assert [
        e["resource"]["prefect.resource.id"]
        for e in events.read_events(EventQuery(resource_ids=["r_*"], sort="occurred_asc"))
    ] == ["r_1", "r_2"]
    assert events.count_events(EventQuery(related_resource_ids=["src.1"])) == 3
    assert len(events.read_events(EventQuery(limit=None, offset=1))) == 2

    automation = Automation(
        name="count", trigger=EventTrigger(expect={"tick"}, threshold=2), actions=[DoNothing()]
    ).create()
    evaluator = Evaluator()
    for _ in range(5):
        emit_event("tick", {"prefect.resource.id": "t"})
    get_store().flush()
    while evaluator.run_once():
        pass
    evaluator.run_once()
    row = get_store().automations.read(str(automation.id))
    assert row["fired_count"] == 2
    assert [f["status"] for f in get_store().automations.firings(row["id"])] == ["done", "done"]
    evaluator.stop()


def test_a_gap_in_event_numbers_is_passed_once_it_stays_open(store_backend, monkeypatch):
    import time
    import uuid

    from headrace.automations import evaluator as evaluator_module

    monkeypatch.setattr(evaluator_module, "GAP_SECONDS", 0.2)
    automation = Automation(
        name="after-gap", trigger=EventTrigger(expect={"tick"}), actions=[DoNothing()]
    ).create()
    twice = uuid.uuid4()
    emit_event("tick", {"prefect.resource.id": "t"}, id=twice)
    get_store().flush()
    emit_event("tick", {"prefect.resource.id": "t"}, id=twice)  # on PostgreSQL: a number used up
    get_store().flush()
    emit_event("tick", {"prefect.resource.id": "t"})
    get_store().flush()
    evaluator = Evaluator()
    deadline = time.monotonic() + 20
    while get_store().automations.read(str(automation.id))["fired_count"] < 2:
        assert time.monotonic() < deadline, "the evaluator never passed the gap"
        evaluator.run_once()
        time.sleep(0.05)
    assert get_store().automations.read(str(automation.id))["fired_count"] == 2
    evaluator.stop()
