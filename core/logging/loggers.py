"""Logger objects and the one-time logging setup (`prefect.logging.loggers` in Prefect)."""

from __future__ import annotations

import contextvars
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from headrace.context import FlowRunContext, TaskRunContext
from headrace.exceptions import MissingContextError
from headrace.logging._handlers import ConsoleFormatter, StoreHandler
from headrace.settings import get_settings

_setup_lock = threading.Lock()
_configured = False


def setup_logging() -> None:
    """Attach headrace's console and store handlers once per process."""
    global _configured
    if _configured:
        return
    with _setup_lock:
        if _configured:
            return
        root = logging.getLogger("headrace")
        root.setLevel(get_settings().logging_level)
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(ConsoleFormatter())
        console.set_name("headrace-console")
        root.addHandler(console)
        root.addHandler(StoreHandler())
        root.propagate = False
        _configured = True


def get_logger(name: str | None = None) -> logging.Logger:
    """A logger under the `headrace` namespace (no run context needed)."""
    setup_logging()
    return logging.getLogger("headrace" if not name else f"headrace.{name}")


class RunLoggerAdapter(logging.LoggerAdapter):
    """Adds the run's ids and names to each record, keeping any extra the caller gives."""

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        extra = kwargs.get("extra")
        kwargs["extra"] = {**self.extra, **extra} if extra else self.extra
        return msg, kwargs


def flow_run_logger(flow_run: Any, flow_name: str) -> RunLoggerAdapter:
    setup_logging()
    return RunLoggerAdapter(
        logging.getLogger("headrace.flow_runs"),
        {
            "flow_run_id": flow_run.id,
            "flow_run_name": flow_run.name,
            "flow_name": flow_name,
            "task_run_id": None,
        },
    )


def task_run_logger(task_run: Any, flow_run: Any | None) -> RunLoggerAdapter:
    setup_logging()
    return RunLoggerAdapter(
        logging.getLogger("headrace.task_runs"),
        {
            "task_run_id": task_run.id,
            "task_run_name": task_run.name,
            "task_name": task_run.task_name,
            "flow_run_id": flow_run.id if flow_run is not None else None,
            "flow_run_name": flow_run.name if flow_run is not None else None,
        },
    )


_run_logger_disabled: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "headrace_run_logger_disabled", default=False
)


@contextmanager
def disable_run_logger() -> Iterator[None]:
    """Inside the block `get_run_logger()` works without a run and logs nowhere, so a
    task's `.fn` that logs can be called in a unit test (Prefect's helper of that name)."""
    token = _run_logger_disabled.set(True)
    try:
        yield
    finally:
        _run_logger_disabled.reset(token)


def get_run_logger(context: Any = None, **extra: Any) -> logging.LoggerAdapter:
    """The logger of the current task run or flow run.

    Raises MissingContextError outside of a run, as Prefect does.
    """
    if _run_logger_disabled.get():
        silent = logging.getLogger("headrace.disabled")
        silent.disabled = True
        return RunLoggerAdapter(silent, dict(extra))
    ctx = context or TaskRunContext.get() or FlowRunContext.get()
    if ctx is None:
        raise MissingContextError("There is no active flow or task run context.")
    logger = ctx.logger
    if extra:
        return RunLoggerAdapter(logger.logger, {**logger.extra, **extra})
    return logger


def current_logger(fallback: str) -> logging.Logger | logging.LoggerAdapter:
    """The run's logger inside a flow or task run, `headrace.<fallback>` elsewhere: for
    library code (blocks, helpers) called both inside and outside runs."""
    try:
        return get_run_logger()
    except MissingContextError:
        return get_logger(fallback)
