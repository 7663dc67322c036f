"""`log_prints`: which run a `print` belongs to, the setting that turns it on for every
flow, and records that name the function that printed."""

from __future__ import annotations

import logging

from headrace import flow, task
from headrace.context import FlowRunContext, get_run_context
from headrace.settings import PREFECT_LOGGING_LOG_PRINTS, temporary_settings


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append((record.getMessage(), record.funcName))


def _collecting() -> Collect:
    handler = Collect()
    logging.getLogger("headrace").addHandler(handler)
    return handler


def test_the_setting_turns_log_prints_on_for_flows_and_their_tasks(capsys):
    @task
    def load():
        print("loading")

    @flow
    def pipeline():
        print("starting")
        load()

    handler = _collecting()
    try:
        with temporary_settings({PREFECT_LOGGING_LOG_PRINTS: True}):
            pipeline()
        assert ("starting", "pipeline") in handler.seen  # the printing function, not print's
        assert ("loading", "load") in handler.seen
        assert "starting" not in capsys.readouterr().out
        handler.seen.clear()
        pipeline()  # the setting's default (off): prints go to stdout
        assert not [m for m, _ in handler.seen if m in ("starting", "loading")]
        assert "starting" in capsys.readouterr().out
    finally:
        logging.getLogger("headrace").removeHandler(handler)


def test_a_subflow_run_inside_a_task_keeps_its_own_choice(capsys):
    @flow(log_prints=False)
    def child():
        # the run context is the subflow's, not the task's that runs it
        assert isinstance(get_run_context(), FlowRunContext)
        print("child print")

    @flow(log_prints=True)
    def parent():
        print("parent print")
        task(child)()

    handler = _collecting()
    try:
        parent()
        messages = [message for message, _ in handler.seen]
        assert "parent print" in messages and "child print" not in messages
        assert "child print" in capsys.readouterr().out
    finally:
        logging.getLogger("headrace").removeHandler(handler)
