"""Starting the temporary cluster a `DaskTaskRunner` owns.

A worker lost mid-task is reported to headrace as a crashed attempt (and retried only if
the task has retries) instead of being re-run silently by Dask: clusters started here
are created under `distributed.scheduler.allowed-failures = 0`, which reaches every
scheduler started in this process (LocalCluster's); remote schedulers keep their own.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Dask config for clusters headrace starts: one lost worker fails the Dask task at once
LOST_WORKER_CONFIG = {"distributed.scheduler.allowed-failures": 0}


def resolve_cluster_class(cluster_class: type | str | None) -> type:
    """A class, or a dotted path such as `"dask_kubernetes.KubeCluster"`; default LocalCluster."""
    if cluster_class is None:
        from distributed import LocalCluster

        return LocalCluster
    if isinstance(cluster_class, str):
        module_name, _, attribute = cluster_class.rpartition(".")
        if not module_name:
            raise ValueError(f"cluster_class must be a dotted path, got {cluster_class!r}")
        return getattr(importlib.import_module(module_name), attribute)
    return cluster_class


def start_cluster(
    cluster_class: type | str | None,
    cluster_kwargs: dict[str, Any],
    adapt_kwargs: dict[str, Any] | None,
) -> Any:
    """Start a cluster (adaptive when `adapt_kwargs` is given)."""
    import dask

    cls = resolve_cluster_class(cluster_class)
    with dask.config.set(LOST_WORKER_CONFIG):
        cluster = cls(**cluster_kwargs)
    if adapt_kwargs:
        cluster.adapt(**adapt_kwargs)
    return cluster
