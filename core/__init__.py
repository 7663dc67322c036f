"""headrace: workflows with Prefect 3's public API, run in-process.

Public names are imported lazily so that `import headrace` stays cheap; `from headrace
import flow, task` loads only what flows and tasks need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "flow": "headrace.flows",
    "Flow": "headrace.flows",
    "task": "headrace.tasks",
    "Task": "headrace.tasks",
    "State": "headrace.states",
    "get_run_logger": "headrace.logging",
    "allow_failure": "headrace.utilities.annotations",
    "unmapped": "headrace.utilities.annotations",
    "quote": "headrace.utilities.annotations",
    "tags": "headrace.context",
    "runtime": "headrace.runtime",
    "serve": "headrace.deployments",
    "aserve": "headrace.deployments",
    "deploy": "headrace.deployments",
    "get_client": "headrace.client.orchestration",
    "pause_flow_run": "headrace.flow_runs",
    "apause_flow_run": "headrace.flow_runs",
    "suspend_flow_run": "headrace.flow_runs",
    "asuspend_flow_run": "headrace.flow_runs",
    "resume_flow_run": "headrace.flow_runs",
    "aresume_flow_run": "headrace.flow_runs",
    "Transaction": "headrace.transactions",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

if TYPE_CHECKING:
    __version__: str
    from headrace import runtime as runtime
    from headrace.context import tags as tags
    from headrace.flows import Flow as Flow
    from headrace.flows import flow as flow
    from headrace.logging import get_run_logger as get_run_logger
    from headrace.states import State as State
    from headrace.tasks import Task as Task
    from headrace.tasks import task as task
    from headrace.utilities.annotations import allow_failure as allow_failure
    from headrace.utilities.annotations import quote as quote
    from headrace.utilities.annotations import unmapped as unmapped


def __getattr__(name: str) -> Any:
    if name == "__version__":  # written once, in pyproject.toml; read from the metadata
        from importlib.metadata import version

        globals()[name] = version("headrace")
        return globals()[name]
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'headrace' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name == f"headrace.{name}" else getattr(module, name)
    globals()[name] = value
    return value
