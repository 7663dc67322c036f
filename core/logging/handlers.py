"""Log handlers: the console one, and the one that keeps run logs in the store."""

from __future__ import annotations

import logging
import sys
from typing import Any


class PrefectConsoleHandler(logging.StreamHandler):
    """Writes formatted records to a stream (stderr by default). Prefect's name; `styles`,
    `highlighter` and `markup` are accepted from Prefect logging files and not used:
    headrace prints plain text, which keeps log lines greppable."""

    def __init__(
        self,
        stream: Any = None,
        highlighter: Any = None,
        styles: dict[str, str] | None = None,
        level: int | str = logging.NOTSET,
        markup: bool = False,
    ) -> None:
        super().__init__(stream if stream is not None else sys.stderr)
        self.setLevel(level)
        if self.formatter is None:
            from headrace.logging.formatters import PrefectFormatter

            self.setFormatter(PrefectFormatter())


class _SafeStreamHandler(logging.StreamHandler):
    """A stream handler that stays quiet when its stream was closed (at interpreter exit,
    or by a test's captured stream) instead of printing logging's error report."""

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self.stream, "closed", False):
            return
        try:
            super().emit(record)
        except ValueError:  # "I/O operation on closed file" between the check and the write
            pass


class StoreHandler(logging.Handler):
    """Queues records that belong to a run for the store's background writer."""

    def emit(self, record: logging.LogRecord) -> None:
        flow_run_id = getattr(record, "flow_run_id", None)
        task_run_id = getattr(record, "task_run_id", None)
        if flow_run_id is None and task_run_id is None:
            return
        try:
            # deferred: the store loads with the first run record, not with headrace.logging
            from headrace.store import get_store
            from headrace.store.runs import record_log

            message = record.getMessage()
            if record.exc_info:
                message += "\n" + logging.Formatter().formatException(record.exc_info)
            record_log(
                get_store(),
                flow_run_id,
                task_run_id,
                record.levelno,
                record.name,
                message,
                record.created,
            )
        except Exception:
            self.handleError(record)


#: Prefect's name for the handler that sends run logs to where runs are kept
APILogHandler = StoreHandler


class APILogWorker:
    """Delivers run log records made in another process (a process pool's workers send
    them as dicts) to this process's loggers, so that they reach the same handlers as
    local run logs: the console, the store and any of the application's own."""

    _instance: APILogWorker | None = None
    _RUN_FIELDS = (
        "flow_run_id",
        "flow_run_name",
        "flow_name",
        "task_run_id",
        "task_run_name",
        "task_name",
    )

    @classmethod
    def instance(cls) -> APILogWorker:
        """The process's one log worker."""
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def send(self, log: dict[str, Any]) -> None:
        """Emit one record (`name`, `level`, `message`, `timestamp`, run fields)."""
        logger = logging.getLogger(log.get("name") or "headrace.task_runs")
        level = int(log.get("level", logging.INFO))
        if not logger.isEnabledFor(level):
            return
        extra = {field: log.get(field) for field in self._RUN_FIELDS}
        record = logger.makeRecord(
            logger.name,
            level,
            "(worker process)",
            0,
            str(log.get("message", "")),
            (),
            None,
            extra=extra,
        )
        timestamp = log.get("timestamp")
        if isinstance(timestamp, (int, float)):
            record.created = float(timestamp)
            record.msecs = (record.created - int(record.created)) * 1000
        logger.handle(record)
