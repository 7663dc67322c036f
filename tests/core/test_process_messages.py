"""The parts that carry a process pool's worker messages: the unpickling future view, the
log worker that re-emits worker records locally and the events worker that stores events."""

from __future__ import annotations

import datetime as dt
import logging
import pickle
import threading
import uuid
from concurrent.futures import Future

import cloudpickle
import pytest

from headrace.events import Event
from headrace.events.worker import EventsWorker
from headrace.logging.handlers import APILogWorker
from headrace.store import get_store
from headrace.store.interface import EventQuery
from headrace.task_runners import _UnpicklingFuture


def test_unpickling_future_gives_the_value_and_runs_callbacks_with_itself():
    inner: Future = Future()
    view = _UnpicklingFuture(inner)
    seen = []
    view.add_done_callback(seen.append)
    assert not view.done()
    inner.set_result(cloudpickle.dumps({"rows": [1, 2]}))
    assert seen == [view] and view.done()
    assert view.result() == {"rows": [1, 2]}


def test_unpickling_future_reports_bytes_it_cannot_load_and_still_calls_back():
    inner: Future = Future()
    view = _UnpicklingFuture(inner)
    called = threading.Event()
    view.add_done_callback(lambda _: called.set())
    inner.set_result(b"not a pickle")
    assert called.is_set()
    assert isinstance(view.exception(), pickle.UnpicklingError)
    with pytest.raises(pickle.UnpicklingError):
        view.result()


def test_unpickling_future_passes_the_calls_own_exception_on():
    inner: Future = Future()
    view = _UnpicklingFuture(inner)
    inner.set_exception(KeyError("in the worker"))
    assert isinstance(view.exception(), KeyError)
    with pytest.raises(KeyError, match="in the worker"):
        view.result()


def test_log_worker_reemits_records_with_their_run_fields_and_time():
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger = logging.getLogger("headrace.task_runs.tests")
    handler = Keep()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        worker = APILogWorker.instance()
        assert worker is APILogWorker.instance()
        common = {"name": logger.name, "task_run_id": "t-1", "task_run_name": "work-0"}
        worker.send({**common, "level": logging.DEBUG, "message": "below the level"})
        worker.send({**common, "level": logging.WARNING, "message": "hot", "timestamp": 1e9})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    (record,) = records
    assert record.getMessage() == "hot" and record.levelno == logging.WARNING
    assert record.task_run_id == "t-1" and record.task_run_name == "work-0"
    assert record.flow_run_id is None and record.created == 1e9


def test_events_worker_stores_an_event_as_it_is():
    event = Event(
        event="pool.worker.event",
        resource={"prefect.resource.id": "thing.1"},
        related=[{"prefect.resource.id": "user.ana", "prefect.resource.role": "owner"}],
        payload={"n": 3},
        occurred=dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc),
        id=uuid.uuid4(),
    )
    EventsWorker.instance().send(event)
    get_store().flush()
    (row,) = get_store().events.read_events(EventQuery(names=["pool.*"]))
    assert row["id"] == str(event.id) and row["payload"] == {"n": 3}
    assert row["occurred"] == event.occurred.timestamp()
    assert [r["prefect.resource.id"] for r in row["related"]] == ["user.ana"]
