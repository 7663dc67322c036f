"""Log handlers: the console one, and the one that keeps run logs in the store."""

from __future__ import annotations

import logging
import sys
from typing import Any


class PrefectConsoleHandler(logging.StreamHandler):
    """Writes formatted records to a stream (stderr by default), through a rich console
    as Prefect's does: on a terminal, `highlighter` (a class) colours lines with the
    `styles` theme (`HEADRACE_LOGGING_COLORS=false`: no colour); with
    `HEADRACE_LOGGING_MARKUP=true`, `[red]...[/red]` markup is rendered. Lines are never
    wrapped or cropped. Piped output without markup skips rich, which would print the
    same characters more slowly."""

    def __init__(
        self,
        stream: Any = None,
        highlighter: type | None = None,
        styles: dict[str, str] | None = None,
        level: int | str = logging.NOTSET,
    ) -> None:
        super().__init__(stream if stream is not None else sys.stderr)
        self.setLevel(level)
        from headrace.settings import get_current_settings

        settings = get_current_settings().logging
        self._colors: bool = settings.colors
        self._markup: bool = settings.markup
        self._highlighter = highlighter
        self._styles = dict(styles or {})
        self._console: Any = None
        isatty = getattr(self.stream, "isatty", None)
        try:
            terminal = bool(isatty and isatty())
        except ValueError:  # a closed stream
            terminal = False
        #: rich adds nothing to a line that is neither styled nor marked up
        self._plain = not terminal and not self._markup
        if self.formatter is None:
            from headrace.logging.formatters import PrefectFormatter

            self.setFormatter(PrefectFormatter())

    @property
    def console(self) -> Any:
        """The rich Console lines go through (made on first use: rich loads only then)."""
        if self._console is None:
            from rich.console import Console
            from rich.highlighter import NullHighlighter
            from rich.theme import Theme

            if self._colors:
                from headrace.logging.highlighters import PrefectConsoleHighlighter

                highlighter = (self._highlighter or PrefectConsoleHighlighter)()
                theme = Theme(self._styles, inherit=False)
            else:
                highlighter, theme = NullHighlighter(), Theme(inherit=False)
            self._console = Console(
                file=self.stream, highlighter=highlighter, theme=theme, markup=self._markup
            )
        return self._console

    def emit(self, record: logging.LogRecord) -> None:
        if self._plain:
            super().emit(record)
            return
        try:
            self.console.print(self.format(record), soft_wrap=True)
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)


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
    """Queues records that belong to a run for the store's background writer. A record
    from a run logger names its run; one from another logger (an extra logger, see
    HEADRACE_LOGGING_EXTRA_LOGGERS) belongs to the run it was logged in, if any."""

    def emit(self, record: logging.LogRecord) -> None:
        flow_run_id = getattr(record, "flow_run_id", None)
        task_run_id = getattr(record, "task_run_id", None)
        if flow_run_id is None and task_run_id is None:
            from headrace.context import FlowRunContext, TaskRunContext

            task_ctx, flow_ctx = TaskRunContext.get(), FlowRunContext.get()
            if task_ctx is not None:
                task_run_id = str(task_ctx.task_run.id)
                parent = getattr(task_ctx.task_run, "flow_run_id", None)
                flow_run_id = None if parent is None else str(parent)
            elif flow_ctx is not None and flow_ctx.flow_run is not None:
                flow_run_id = str(flow_ctx.flow_run.id)
            else:
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
#: Prefect's handler of worker loggers (it sends to Prefect Cloud only): a worker's records
#: made inside a run go to that run's log, as any run-bound record
WorkerAPILogHandler = StoreHandler


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
