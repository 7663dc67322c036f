"""Worker side of a task run's function call.

A task's timeout is enforced here, on the worker, so that it counts from the moment
the function starts (as with the thread runner) and not from submission: time spent
queued in Dask never times a task out.
"""

from __future__ import annotations

from headrace.engine._remote import run_packed
from headrace.engine._timeouts import call_with_timeout
from headrace.exceptions import TaskRunTimeoutError


def run_call(payload: bytes, timeout: float | None) -> bytes:
    """Run a packed call; raise TaskRunTimeoutError once it has run `timeout` seconds."""
    if timeout is None:
        return run_packed(payload)
    message = f"Task run exceeded timeout of {timeout} second(s)"
    return call_with_timeout(run_packed, (payload,), {}, timeout, TaskRunTimeoutError, message)
