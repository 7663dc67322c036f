"""`run_logs`: the records of headrace's run loggers, kept caplog-style.

Run records also reach pytest's `caplog` (headrace's loggers propagate); this handler
sits on the `headrace` logger itself and adds filters by run, task and level.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from headrace.logging import setup_logging

__all__ = ["RunLogCapture"]


class RunLogCapture(logging.Handler):
    """Every record logged under `headrace` while attached, with run-aware filters."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        """The formatted messages, in order."""
        return [record.getMessage() for record in self.records]

    @property
    def record_tuples(self) -> list[tuple[str, int, str]]:
        """`(logger name, level, message)` per record, as caplog gives them."""
        return [(r.name, r.levelno, r.getMessage()) for r in self.records]

    @property
    def text(self) -> str:
        """One `LEVEL source - message` line per record."""
        return "\n".join(
            f"{record.levelname} {_source(record)} - {record.getMessage()}"
            for record in self.records
        )

    def for_task(self, name: str) -> list[str]:
        """Messages from runs of task `name` (or from the one task run named `name`)."""
        return [
            record.getMessage()
            for record in self.records
            if name in (getattr(record, "task_name", None), getattr(record, "task_run_name", None))
        ]

    def for_flow_run(self, flow_run_id: str) -> list[str]:
        """Messages of one flow run, its task runs' included."""
        return [
            record.getMessage()
            for record in self.records
            if getattr(record, "flow_run_id", None) == flow_run_id
        ]

    def clear(self) -> None:
        self.records.clear()

    @contextmanager
    def at_level(self, level: int | str) -> Iterator[None]:
        """Let records of `level` and above through for the block (e.g. "DEBUG")."""
        logger = logging.getLogger("headrace")
        previous = logger.level
        logger.setLevel(level)
        try:
            yield
        finally:
            logger.setLevel(previous)

    @contextmanager
    def attached(self) -> Iterator[RunLogCapture]:
        setup_logging()  # first, so its one-time level setting cannot override ours
        logger = logging.getLogger("headrace")
        logger.addHandler(self)
        try:
            yield self
        finally:
            logger.removeHandler(self)


def _source(record: logging.LogRecord) -> str:
    task_run_name = getattr(record, "task_run_name", None)
    flow_run_name = getattr(record, "flow_run_name", None)
    if task_run_name:
        return f"Task run {task_run_name!r}"
    if flow_run_name:
        return f"Flow run {flow_run_name!r}"
    return record.name
