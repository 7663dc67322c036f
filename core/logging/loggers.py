"""Logger objects (`prefect.logging.loggers` in Prefect): `get_run_logger()` inside a flow
or task run, `get_logger()` elsewhere, and the switches that silence them."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from headrace.context import FlowRunContext, TaskRunContext
from headrace.exceptions import MissingContextError
from headrace.logging import configuration


def setup_logging(incremental: bool | None = None) -> dict[str, Any]:
    """Apply the logging configuration file (see `headrace.logging.configuration`)."""
    return configuration.setup_logging(incremental)


def get_logger(name: str | None = None) -> logging.Logger:
    """A logger under the `headrace` namespace (no run context needed): `get_logger("x")`
    is `headrace.x`. A name that already starts with `headrace.` or Prefect's `prefect.`
    is taken as it is: `prefect` names headrace's logger, so `prefect.x` sits under it."""
    configuration.ensure_logging_setup()
    if not name:
        name = "headrace"
    elif name != configuration.PREFECT_ROOT and not name.startswith(
        ("headrace.", configuration.PREFECT_ROOT + ".")
    ):
        name = f"headrace.{name}"
    return configuration.mask_api_key(logging.getLogger(name))


def get_worker_logger(worker: Any, name: str | None = None) -> Any:
    """The logger of a worker, `headrace.workers.<type>.<name>` (`name` replaces that);
    records carry the worker's `worker_id` once it has one (`backend_id`), as Prefect's."""
    if name is None:
        kind = getattr(type(worker), "type", None)
        own = str(getattr(worker, "name", "worker")).lower()
        name = f"workers.{kind}.{own}" if isinstance(kind, str) else f"workers.{own}"
    logger = get_logger(name)
    worker_id = getattr(worker, "backend_id", None)
    if worker_id:
        return RunLoggerAdapter(logger, {"worker_id": str(worker_id)})
    return logger


class RunLoggerAdapter(logging.LoggerAdapter):
    """Adds the run's ids and names to each record, keeping any extra the caller gives."""

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        extra = kwargs.get("extra")
        kwargs["extra"] = {**self.extra, **extra} if extra else self.extra
        return msg, kwargs

    def getChild(self, suffix: str, extra: dict[str, Any] | None = None) -> RunLoggerAdapter:  # noqa: N802
        """An adapter on a child logger with this one's run fields (plus `extra`)."""
        return RunLoggerAdapter(self.logger.getChild(suffix), {**self.extra, **(extra or {})})


#: Prefect's name for the run logger adapter
PrefectLogAdapter = RunLoggerAdapter


def _name_of(thing: Any) -> str | None:
    return thing if isinstance(thing, str) or thing is None else getattr(thing, "name", None)


def flow_run_logger(flow_run: Any = None, flow: Any = None, **kwargs: Any) -> RunLoggerAdapter:
    """The logger of a flow run: records carry its id and name and the flow's name
    (`flow` is the Flow or its name); keywords add fields (`flow_run_id=` without a run)."""
    if flow_run is None and "flow_run_id" not in kwargs:
        raise ValueError("Either 'flow_run' or 'flow_run_id' must be provided.")
    configuration.ensure_logging_setup()
    return RunLoggerAdapter(
        logging.getLogger("headrace.flow_runs"),
        {
            "flow_run_id": str(flow_run.id) if flow_run is not None else None,
            "flow_run_name": getattr(flow_run, "name", None),
            "flow_name": _name_of(flow),
            "task_run_id": None,
            **{k: str(v) if k == "flow_run_id" else v for k, v in kwargs.items()},
        },
    )


def task_run_logger(
    task_run: Any, task: Any = None, flow_run: Any = None, flow: Any = None, **kwargs: Any
) -> RunLoggerAdapter:
    """The logger of a task run, with its flow run's fields when it has one."""
    configuration.ensure_logging_setup()
    return RunLoggerAdapter(
        logging.getLogger("headrace.task_runs"),
        {
            "task_run_id": str(task_run.id),
            "task_run_name": task_run.name,
            "task_name": getattr(task, "name", None) or getattr(task_run, "task_name", None),
            "flow_run_id": str(flow_run.id) if flow_run is not None else None,
            "flow_run_name": getattr(flow_run, "name", None),
            "flow_name": _name_of(flow) or getattr(flow_run, "flow_name", None),
            **kwargs,
        },
    )


_run_logger_disabled: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "headrace_run_logger_disabled", default=False
)


@contextmanager
def disable_logger(name: str) -> Iterator[None]:
    """Silence the logger `name` for the block, then restore it."""
    logger = logging.getLogger(name)
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous


@contextmanager
def disable_run_logger() -> Iterator[None]:
    """Inside the block `get_run_logger()` works without a run and logs nowhere, so a
    task's `.fn` that logs can be called in a unit test (Prefect's helper of that name)."""
    token = _run_logger_disabled.set(True)
    try:
        with disable_logger("headrace.flow_runs"), disable_logger("headrace.task_runs"):
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
    if context is not None and not isinstance(context, (TaskRunContext, FlowRunContext)):
        raise TypeError(f"Received unexpected type {type(context).__name__!r} for context.")
    ctx = context or TaskRunContext.get() or FlowRunContext.get()
    if ctx is None:
        raise MissingContextError("There is no active flow or task run context.")
    # a context brought into another process (`with_context`) finds logging not set up
    configuration.ensure_logging_setup()
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


def print_as_log(*args: Any, **kwargs: Any) -> None:
    """`print` that, inside a run with `log_prints=True`, logs the text at INFO on the run
    logger; elsewhere, or when printing to a file other than stdout, it prints."""
    from headrace.logging.prints import _print

    _print(*args, **kwargs)


@contextmanager
def patch_print() -> Iterator[None]:
    """Inside the block, `print` in a run with `log_prints=True` goes to the run logger;
    elsewhere it prints as usual."""
    import builtins

    from headrace.logging.prints import _print

    previous = builtins.print
    builtins.print = _print
    try:
        yield
    finally:
        builtins.print = previous


class LogEavesdropper(logging.Handler):
    """Collects what the logger `eavesdrop_on` (and its children) log at `level` and above
    while the block runs; `text()` gives `[LEVEL]: message` lines.

        with LogEavesdropper("my_logger") as eavesdropper:
            ...
        eavesdropper.text()
    """

    def __init__(self, eavesdrop_on: str, level: int = logging.NOTSET) -> None:
        super().__init__(level=level)
        self.eavesdrop_on = eavesdrop_on
        self._lines: list[logging.LogRecord] = []
        self._saved_level = logging.NOTSET

    def __enter__(self) -> LogEavesdropper:
        # first, so that the setup's levels are the ones restored on leaving
        configuration.ensure_logging_setup()
        logger = logging.getLogger(self.eavesdrop_on)
        self._saved_level = logger.level
        if self.level and (logger.getEffectiveLevel() > self.level):
            logger.setLevel(self.level)
        logger.addHandler(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        logger = logging.getLogger(self.eavesdrop_on)
        logger.removeHandler(self)
        logger.setLevel(self._saved_level)

    def emit(self, record: logging.LogRecord) -> None:
        self._lines.append(record)

    def text(self) -> str:
        return "\n".join(f"[{r.levelname}]: {r.getMessage()}" for r in self._lines)
