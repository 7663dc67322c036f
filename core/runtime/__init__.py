"""Facts about the current run, read as module attributes (`runtime.flow_run.name`)."""

from headrace.runtime import deployment, flow_run, task_run

__all__ = ["deployment", "flow_run", "task_run"]
