"""The console formatter (Prefect's layout) and the handler that stores run logs."""

from __future__ import annotations

import logging
import time


class ConsoleFormatter(logging.Formatter):
    """`12:00:01.234 | INFO    | Task run 'load-0' - message`."""

    def __init__(self) -> None:
        super().__init__(datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        when = time.strftime(self.datefmt or "%H:%M:%S", time.localtime(record.created))
        task_run_name = getattr(record, "task_run_name", None)
        flow_run_name = getattr(record, "flow_run_name", None)
        if task_run_name:
            source = f"Task run {task_run_name!r}"
        elif flow_run_name:
            source = f"Flow run {flow_run_name!r}"
        else:
            source = record.name
        text = (
            f"{when}.{int(record.msecs):03d} | {record.levelname:<7} | {source} - "
            f"{record.getMessage()}"
        )
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


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
