"""Log formatters: one layout for runs and everything else, and JSON lines.

`PrefectFormatter` (Prefect's name, so logging files written for Prefect load) picks the
format by the record: a task run's, a flow run's, or the plain one.
"""

from __future__ import annotations

import json
import logging
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

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "task_run_name", None):
            return self._task_run.format(record)
        if getattr(record, "flow_run_name", None):
            return self._flow_run.format(record)
        return self._plain.format(record)


#: the run fields a JSON line carries when the record has them
_RUN_FIELDS = (
    "flow_run_id",
    "flow_run_name",
    "flow_name",
    "task_run_id",
    "task_run_name",
    "task_name",
    "worker_id",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per record (`fmt="pretty"` indents it): time, level, logger,
    message, the run's ids and names, and the exception text if any."""

    def __init__(self, fmt: str = "default", dmft: str | None = None, style: str = "%") -> None:
        if fmt not in ("default", "pretty"):
            raise ValueError(f"JsonFormatter fmt must be 'default' or 'pretty', not {fmt!r}")
        super().__init__(datefmt=dmft)
        self._indent = 2 if fmt == "pretty" else None

    def format(self, record: logging.LogRecord) -> str:
        import datetime as dt

        data: dict[str, Any] = {
            "timestamp": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(),
            "level": record.levelname,
            "levelno": record.levelno,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _RUN_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = str(value)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, indent=self._indent, default=str)
