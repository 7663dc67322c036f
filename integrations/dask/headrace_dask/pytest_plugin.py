"""pytest fixtures for testing flows on Dask (installed with `headrace-dask[testing]`).

    headrace_dask_cluster       a session-wide `distributed.LocalCluster` of worker
                                processes on 127.0.0.1 (2 workers; 1 per pytest-xdist
                                worker, so that parallel test processes do not
                                oversubscribe the CPUs)
    headrace_dask_address       its scheduler address
    headrace_dask_task_runner   a `DaskTaskRunner` connected to it, for
                                `@flow(task_runner=...)`

The names before the `headrace_` prefix (`dask_cluster`, ...) work with a
DeprecationWarning until headrace 0.3.

`HEADRACE_DASK_TEST_WORKERS` sets the number of worker processes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from headrace.testing.pytest_plugin import deprecated_fixture
from headrace_dask.task_runners import DaskTaskRunner


def cluster_worker_count() -> int:
    """Worker processes for the test cluster: the env setting, else 2 (1 under xdist)."""
    configured = os.environ.get("HEADRACE_DASK_TEST_WORKERS")
    if configured:
        return int(configured)
    return 1 if os.environ.get("PYTEST_XDIST_WORKER") else 2


@pytest.fixture(scope="session")
def headrace_dask_cluster() -> Iterator[Any]:
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
def headrace_dask_address(headrace_dask_cluster: Any) -> str:
    """The scheduler address of `headrace_dask_cluster`."""
    return headrace_dask_cluster.scheduler_address


@pytest.fixture
def headrace_dask_task_runner(headrace_dask_address: str) -> DaskTaskRunner:
    """A DaskTaskRunner on the session cluster (each flow run connects its own client)."""
    return DaskTaskRunner(address=headrace_dask_address)


_dask_cluster = deprecated_fixture("dask_cluster", "headrace_dask_cluster", "session")
_dask_address = deprecated_fixture("dask_address", "headrace_dask_address", "session")
_dask_task_runner = deprecated_fixture("dask_task_runner", "headrace_dask_task_runner")
