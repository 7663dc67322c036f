"""Prefect's module path for the logger helpers (`prefect.logging.loggers`)."""

from headrace.logging._loggers import disable_run_logger, get_logger, get_run_logger

__all__ = ["disable_run_logger", "get_logger", "get_run_logger"]
