"""`headrace migrate` rules for prefect-dask code, one module per rule, registered through the
plugin hook (`RULES`)."""

from headrace_dask.migrate.task_runner import DaskRunnerCluster2x

RULES = (DaskRunnerCluster2x,)

__all__ = ["DaskRunnerCluster2x", "RULES"]
