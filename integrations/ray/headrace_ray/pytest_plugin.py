"""pytest fixtures for testing flows on Ray (installed with `headrace-ray[testing]`).

headrace_ray_cluster       a local Ray started once per test session (per pytest-xdist
                           worker) with 2 CPUs, no dashboard, on 127.0.0.1; shut down at
                           the end
headrace_ray_task_runner   a `RayTaskRunner` that uses it, for `@flow(task_runner=...)`

The names before the `headrace_` prefix (`ray_cluster`, `ray_task_runner`) work with a
DeprecationWarning until headrace 0.3.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from headrace.testing.pytest_plugin import deprecated_fixture
from headrace_ray.task_runners import RayTaskRunner


@pytest.fixture(scope="session")
def headrace_ray_cluster() -> Iterator[Any]:
    """The `ray.init` context of a local Ray instance shared by the session."""
    import ray

    # no `_node_ip_address="127.0.0.1"`: Ray swaps loopback for the host's own address
    context = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield context
    finally:
        ray.shutdown()


@pytest.fixture
def headrace_ray_task_runner(headrace_ray_cluster: Any) -> RayTaskRunner:
    """A RayTaskRunner on the session's Ray (it finds Ray initialised and leaves it up)."""
    return RayTaskRunner()


_ray_cluster = deprecated_fixture("ray_cluster", "headrace_ray_cluster", "session")
_ray_task_runner = deprecated_fixture("ray_task_runner", "headrace_ray_task_runner")
