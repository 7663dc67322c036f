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
records made remotely come back with the outcome and go to the run's logger; the
exception a remote call raised becomes the run's Failed state, as it would locally.

See docs/engine.md.
"""

from headrace.engine._drivers import drive_async, drive_sync
from headrace.engine._flow_run import FlowRunMachine
from headrace.engine._inputs import resolve_parameters, wait_for_upstreams
from headrace.engine._remote import pack_call, run_packed, unpack_outcome
from headrace.engine._task_run import TaskRunMachine, plain_call_value

__all__ = [
    "FlowRunMachine",
    "TaskRunMachine",
    "drive_async",
    "drive_sync",
    "pack_call",
    "plain_call_value",
    "resolve_parameters",
    "run_packed",
    "unpack_outcome",
    "wait_for_upstreams",
]
