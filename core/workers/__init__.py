"""Workers: processes that run the deployments of a work pool.

`ProcessWorker` (`headrace worker start --pool NAME`) creates the pool's scheduled runs,
starts due and requested runs in subprocesses, heartbeats, and marks the runs of workers
that stopped heartbeating Crashed.
"""

from headrace.workers.process import ProcessWorker, reap_dead_workers

__all__ = ["ProcessWorker", "reap_dead_workers"]
