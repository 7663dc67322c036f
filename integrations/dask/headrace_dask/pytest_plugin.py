"""pytest fixtures for testing flows on Dask (installed with `headrace-dask[testing]`).

    dask_cluster       a session-wide `distributed.LocalCluster` of worker processes on
                       127.0.0.1 (2 workers; 1 per pytest-xdist worker, so that parallel
                       test processes do not oversubscribe the CPUs)
    dask_address       its scheduler address
    dask_task_runner   a `DaskTaskRunner` connected to it, for `@flow(task_runner=...)`

`HEADRACE_DASK_TEST_WORKERS` sets the number of worker processes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from headrace_dask.task_runners import DaskTaskRunner


def cluster_worker_count() -> int:
    """Worker processes for the test cluster: the env setting, else 2 (1 under xdist)."""
    configured = os.environ.get("HEADRACE_DASK_TEST_WORKERS")
    if configured:
        return int(configured)
    return 1 if os.environ.get("PYTEST_XDIST_WORKER") else 2


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[Any]:
    """A LocalCluster shared by the session; lost workers crash the task (no silent rerun)."""
    from distributed import LocalCluster

    from headrace_dask._clusters import start_cluster

    cluster = start_cluster(
        LocalCluster,
        {
            "n_workers": cluster_worker_count(),
            "threads_per_worker": 1,
            "processes": True,
            "host": "127.0.0.1",
            "dashboard_address": ":0",
        },
        None,
    )
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="session")
def dask_address(dask_cluster: Any) -> str:
    """The scheduler address of `dask_cluster`."""
    return dask_cluster.scheduler_address


@pytest.fixture
def dask_task_runner(dask_address: str) -> DaskTaskRunner:
    """A DaskTaskRunner on the session cluster (each flow run connects its own client)."""
    return DaskTaskRunner(address=dask_address)
