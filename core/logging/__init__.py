"""Loggers for runs: `get_run_logger()` inside a flow or task, `get_logger()` elsewhere.

One logging configuration file (`headrace.logging.configuration`) sets up every logger:
run logs go to the console in Prefect's layout and, through the store's background writer,
into the run history; headrace's loggers propagate to the root logger.
"""

from headrace.logging.loggers import (
    LogEavesdropper,
    PrefectLogAdapter,
    RunLoggerAdapter,
    current_logger,
    disable_logger,
    disable_run_logger,
    flow_run_logger,
    get_logger,
    get_run_logger,
    get_worker_logger,
    patch_print,
    setup_logging,
    task_run_logger,
)

__all__ = [
    "LogEavesdropper",
    "PrefectLogAdapter",
    "RunLoggerAdapter",
    "current_logger",
    "disable_logger",
    "disable_run_logger",
    "flow_run_logger",
    "get_logger",
    "get_run_logger",
    "get_worker_logger",
    "patch_print",
    "setup_logging",
    "task_run_logger",
]
