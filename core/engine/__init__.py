"""The run engine, for task runners and integrations: run a task or flow call, and run a
task's function elsewhere with its result, state and logs reported back.

One state machine per kind of run decides every state: `TaskRunMachine` (inputs,
NotReady upstreams, cache, retries, timeouts, persistence, hooks, records) and
`FlowRunMachine`. Two drivers, `drive_sync` and `drive_async`, call the function and
feed the outcome back, so sync and async runs share every rule. A task runner that runs
calls in its own threads builds a machine and drives it there:

    machine = TaskRunMachine(task, task_run, parameters, wait_for, future)
    state = drive_sync(machine)        # settles `future` with the final state

A runner that sends calls to other processes or machines (process pool, Dask, Ray) keeps
the machine in the flow's process and ships only the function call: it gives the
machine an `invoke(task, args, kwargs, timeout, ctx)` method, which packs the call with
`pack_call`, runs `run_packed` on the far side and returns `unpack_outcome(...)`. Log
records made remotely come back with the outcome and go to the run's logger (or, where
a log sink is set in the worker, `set_api_log_sink`, travel as they are made); the
exception a remote call raised becomes the run's Failed state, as it would locally.

See docs/engine.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> the module defining it. Loaded on first use, like `headrace`'s own
#: names: `from headrace import task` must not pay for the store, results and logging
#: setup that only a running task needs.
_EXPORTS = {
    "FlowRunMachine": "headrace.engine._flow_run",
    "deliver_outcome": "headrace.engine._remote",
    "TaskRunMachine": "headrace.engine._task_run",
    "drive_async": "headrace.engine._drivers",
    "drive_sync": "headrace.engine._drivers",
    "expand_map": "headrace.engine._mapping",
    "pack_call": "headrace.engine._remote",
    "plain_call_value": "headrace.engine._task_run",
    "resolve_parameters": "headrace.engine._inputs",
    "run_packed": "headrace.engine._remote",
    "set_api_log_sink": "headrace.engine._remote",
    "submitting_runner": "headrace.engine._task_run",
    "unpack_outcome": "headrace.engine._remote",
    "wait_for_upstreams": "headrace.engine._inputs",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from headrace.engine._drivers import drive_async as drive_async
    from headrace.engine._drivers import drive_sync as drive_sync
    from headrace.engine._flow_run import FlowRunMachine as FlowRunMachine
    from headrace.engine._inputs import resolve_parameters as resolve_parameters
    from headrace.engine._inputs import wait_for_upstreams as wait_for_upstreams
    from headrace.engine._mapping import expand_map as expand_map
    from headrace.engine._remote import deliver_outcome as deliver_outcome
    from headrace.engine._remote import pack_call as pack_call
    from headrace.engine._remote import run_packed as run_packed
    from headrace.engine._remote import set_api_log_sink as set_api_log_sink
    from headrace.engine._remote import unpack_outcome as unpack_outcome
    from headrace.engine._task_run import TaskRunMachine as TaskRunMachine
    from headrace.engine._task_run import plain_call_value as plain_call_value
    from headrace.engine._task_run import submitting_runner as submitting_runner


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'headrace.engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
