"""headrace's testing toolkit: the in-process harness, assertion helpers and pytest plugin.

The pytest plugin (`headrace.testing.pytest_plugin`) is registered through the `pytest11`
entry point, so installing headrace makes its fixtures available to any test suite. The
names below load lazily: the plugin is imported by every pytest run, and most runs need
only the harness.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from headrace.testing.utilities import HarnessInfo, headrace_test_harness, prefect_test_harness

_LAZY = {
    "assert_completed": "headrace.testing.assertions",
    "assert_failed": "headrace.testing.assertions",
    "assert_task_order": "headrace.testing.assertions",
    "assert_task_states": "headrace.testing.assertions",
    "BlockStore": "headrace.testing.blocks",
    "FlowRunHistory": "headrace.testing.history",
    "FlowRunRecord": "headrace.testing.history",
    "TaskRunRecord": "headrace.testing.history",
    "RunRecord": "headrace.testing.history",
    "RunLogCapture": "headrace.testing.logs",
    "TaskMock": "headrace.testing.mocking",
    "TaskMocker": "headrace.testing.mocking",
    "NetworkBlocker": "headrace.testing.network",
    "RealNetworkBlocked": "headrace.testing.network",
    "FakeClock": "headrace.testing.timing",
    "InstantSleep": "headrace.testing.timing",
}

__all__ = [
    "BlockStore",
    "FakeClock",
    "FlowRunHistory",
    "FlowRunRecord",
    "HarnessInfo",
    "InstantSleep",
    "NetworkBlocker",
    "RealNetworkBlocked",
    "RunLogCapture",
    "RunRecord",
    "TaskMock",
    "TaskMocker",
    "TaskRunRecord",
    "assert_completed",
    "assert_failed",
    "assert_task_order",
    "assert_task_states",
    "headrace_test_harness",
    "prefect_test_harness",
]

if TYPE_CHECKING:
    from headrace.testing.assertions import (
        assert_completed,
        assert_failed,
        assert_task_order,
        assert_task_states,
    )
    from headrace.testing.blocks import BlockStore
    from headrace.testing.history import (
        FlowRunHistory,
        FlowRunRecord,
        RunRecord,
        TaskRunRecord,
    )
    from headrace.testing.logs import RunLogCapture
    from headrace.testing.mocking import TaskMock, TaskMocker
    from headrace.testing.network import NetworkBlocker, RealNetworkBlocked
    from headrace.testing.timing import FakeClock, InstantSleep


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'headrace.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
