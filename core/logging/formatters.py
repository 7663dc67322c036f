"""Log formatters: one layout for runs and everything else, and JSON lines.

`PrefectFormatter` (Prefect's name, so logging files written for Prefect load) picks the
format by the record: a task run's, a flow run's, or the plain one.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

DEFAULT_FORMAT = "%(asctime)s.%(msecs)03d | %(levelname)-7s | %(name)s - %(message)s"
FLOW_RUN_FORMAT = (
    "%(asctime)s.%(msecs)03d | %(levelname)-7s | Flow run %(flow_run_name)r - %(message)s"
)
TASK_RUN_FORMAT = (
    "%(asctime)s.%(msecs)03d | %(levelname)-7s | Task run %(task_run_name)r - %(message)s"
)


class PrefectFormatter(logging.Formatter):
    """`12:00:01.234 | INFO    | Task run 'load-0' - message`: `task_run_fmt` for records of
    a task run, `flow_run_fmt` for those of a flow run, `format` for the rest."""

    def __init__(
        self,
        format: str | None = None,  # noqa: A002 - the dictConfig key
        datefmt: str | None = "%H:%M:%S",
        style: str = "%",
        validate: bool = True,
        *,
        defaults: dict[str, Any] | None = None,
        task_run_fmt: str | None = None,
        flow_run_fmt: str | None = None,
    ) -> None:
        fmt = format or DEFAULT_FORMAT
        super().__init__(fmt, datefmt, style, validate)  # type: ignore[arg-type]

        def sub(pattern: str) -> logging.Formatter:
            return logging.Formatter(pattern, datefmt, style, validate)  # type: ignore[arg-type]

        self._task_run = sub(task_run_fmt or TASK_RUN_FORMAT)
        self._flow_run = sub(flow_run_fmt or FLOW_RUN_FORMAT)
        self._plain = sub(fmt)
        # the default layout is built directly: logging.Formatter's generic path costs
        # a good part of a logged task's time
        self._default_layout = (
            fmt == DEFAULT_FORMAT
            and (task_run_fmt or TASK_RUN_FORMAT) == TASK_RUN_FORMAT
            and (flow_run_fmt or FLOW_RUN_FORMAT) == FLOW_RUN_FORMAT
            and datefmt == "%H:%M:%S"
            and style == "%"
            and not defaults
        )

    def format(self, record: logging.LogRecord) -> str:
        if self._default_layout:
            return self._format_default(record)
        if getattr(record, "task_run_name", None):
            return self._task_run.format(record)
        if getattr(record, "flow_run_name", None):
            return self._flow_run.format(record)
        return self._plain.format(record)

    def _format_default(self, record: logging.LogRecord) -> str:
        task_run_name = getattr(record, "task_run_name", None)
        if task_run_name:
            source = f"Task run {task_run_name!r}"
        else:
            flow_run_name = getattr(record, "flow_run_name", None)
            source = f"Flow run {flow_run_name!r}" if flow_run_name else record.name
        when = time.strftime("%H:%M:%S", time.localtime(record.created))
        text = (
            f"{when}.{int(record.msecs):03d} | {record.levelname:<7} | {source} - "
            f"{record.getMessage()}"
        )
        if record.exc_info:
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            text += "\n" + record.exc_text
        if record.stack_info:
            text += "\n" + self.formatStack(record.stack_info)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per record: the record's attributes (name, levelname, filename,
    lineno, the run's ids and names, ...), its formatted `message`, and the exception as
    text. `fmt="pretty"` indents it."""

    def __init__(self, fmt: str = "default", dmft: str | None = None, style: str = "%") -> None:
        if fmt not in ("default", "pretty"):
            raise ValueError(f"JsonFormatter fmt must be 'default' or 'pretty', not {fmt!r}")
        super().__init__(datefmt=dmft)
        self._indent = 2 if fmt == "pretty" else None

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = dict(record.__dict__)
        data["msg"] = str(record.msg)
        data["args"] = None if record.args is None else repr(record.args)
        data["message"] = record.getMessage()
        data["exc_info"] = _exception(record.exc_info) if record.exc_info else None
        return json.dumps(data, indent=self._indent, default=_jsonable)


def _exception(exc_info: Any) -> dict[str, Any]:
    import traceback

    kind, value, tb = exc_info
    return {
        "type": getattr(kind, "__name__", str(kind)),
        "message": str(value),
        "traceback": traceback.format_tb(tb) if tb is not None else [],
    }


def _jsonable(value: Any) -> Any:
    """Times as ISO text, ids and paths as text; anything else named, never a crash."""
    import datetime as dt
    import uuid
    from pathlib import PurePath

    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, PurePath)):
        return str(value)
    return f"<non-serializable: {type(value).__name__}>"
