"""Loggers for runs: `get_run_logger()` inside a flow or task, `get_logger()` elsewhere.

Run log records go to stderr (Prefect's console format) and, through the store's
background writer, into the run history.
"""

from headrace.logging.loggers import (
    RunLoggerAdapter,
    current_logger,
    disable_run_logger,
    get_logger,
    get_run_logger,
    setup_logging,
)

__all__ = [
    "RunLoggerAdapter",
    "current_logger",
    "disable_run_logger",
    "get_logger",
    "get_run_logger",
    "setup_logging",
]
