"""Running a task's function in another process or on another machine.

The engine (states, retries, caching, the store) stays in the flow's process; only the
function call travels, pickled with cloudpickle together with what `get_run_logger()`
and `headrace.runtime` need. Log records made remotely come back with the outcome and
are re-emitted through the run's logger. Used by ProcessPoolTaskRunner and by the
Dask and Ray plugins.
"""

from __future__ import annotations

import inspect
import logging
import time
import traceback
import weakref
from collections.abc import Callable
from typing import Any

from headrace.context import TagsContext, TaskRunContext, current_tags
from headrace.engine._timeouts import call_with_timeout, scope_timeout_message
from headrace.exceptions import TaskRunTimeoutError
from headrace.logging.prints import install_print_redirect
from headrace.run_records import TaskRun

#: where a worker process sends each run log record as it is made (a process pool's
#: worker initializer sets it, see `set_api_log_sink`); None: the records go back with
#: the call's outcome (Dask, Ray)
_log_sink: Callable[[dict[str, Any]], None] | None = None


def set_api_log_sink(sink: Callable[[dict[str, Any]], None] | None) -> None:
    """Send this process's remote run log records to `sink` (one dict each: `name`,
    `level`, `message`, `timestamp` and the run's fields) as they are made, or with
    None collect them for the outcome again."""
    global _log_sink
    _log_sink = sink


class _RemoteLogger(logging.LoggerAdapter):
    """The run logger of a remote call: forwards each record through the log sink, or
    collects it to send back with the outcome."""

    def __init__(self, extra: dict[str, Any]) -> None:
        super().__init__(logging.getLogger("headrace.task_runs"), extra)
        self.records: list[tuple[int, str]] = []
        #: how many records went through the sink (the flow's side waits for them)
        self.forwarded = 0

    def log(self, level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
        message = str(msg) % args if args else str(msg)
        exc_info = kwargs.get("exc_info")
        if exc_info:
            message += "\n" + "".join(
                traceback.format_exception(exc_info)
                if isinstance(exc_info, BaseException)
                else traceback.format_exc()
            ).rstrip("\n")
        sink = _log_sink
        if sink is None:
            self.records.append((level, message))
            return
        sink(
            {
                **self.extra,
                "name": self.logger.name,
                "level": level,
                "message": message,
                "timestamp": time.time(),
            }
        )
        self.forwarded += 1

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802 - logging's name
        return True


#: a task's function pickled once, not once per call (mapped tasks send it thousands of
#: times); like Dask's `client.map`, globals captured by value are those of the first call
_function_blobs: weakref.WeakKeyDictionary[Any, bytes] = weakref.WeakKeyDictionary()
#: remote side: the Task built for a pickled function, so each call skips unpickling it
#: and analysing its signature again (bounded: cleared when full)
_remote_tasks: dict[tuple[bytes, str], Any] = {}
_REMOTE_TASKS_MAX = 256


def _cloudpickle() -> Any:
    # deferred: cloudpickle (with pickle's machinery) is only needed by runners that
    # send calls to other processes, and a plain flow run should not pay for its import
    import cloudpickle

    return cloudpickle


def _function_blob(fn: Any) -> bytes:
    cloudpickle = _cloudpickle()
    try:
        return _function_blobs[fn]
    except (KeyError, TypeError):
        blob = cloudpickle.dumps(fn)
    try:
        _function_blobs[fn] = blob
    except TypeError:  # not weak-referenceable: pickle it each time
        pass
    return blob


def _remote_task(blob: bytes, name: str, task_type: type) -> Any:
    cloudpickle = _cloudpickle()
    key = (blob, name)
    task = _remote_tasks.get(key)
    if task is None:
        if len(_remote_tasks) >= _REMOTE_TASKS_MAX:
            _remote_tasks.clear()
        task = _remote_tasks[key] = task_type(cloudpickle.loads(blob), name=name)
    return task


def pack_call(task: Any, args: tuple, kwargs: dict, ctx: TaskRunContext) -> bytes:
    """Everything the remote side needs to call `task`'s function as the task run of
    `ctx`: the function (pickled once per function), the arguments and the run's identity.
    The result is bytes that `run_packed` takes, in any process that has headrace."""
    cloudpickle = _cloudpickle()
    run = ctx.task_run
    snapshot = {
        "task_run_id": run.id,
        "task_run_name": run.name,
        "task_name": run.task_name,
        "tags": sorted(run.tags),
        # what `TagsContext.get()` shows the function: the `with tags(...)` of the caller
        "context_tags": sorted(current_tags()),
        "run_count": run.run_count,
        "parameters": ctx.parameters,
        "flow_run_id": run.flow_run_id,
        "log_prints": ctx.log_prints,
        # the Task class travels by reference, so the engine need not import `tasks`
        "task_type": type(task),
    }
    return cloudpickle.dumps((_function_blob(task.fn), args, kwargs, snapshot))


def _call(fn: Any, args: tuple, kwargs: dict, timeout: float | None) -> Any:
    """Call a sync or async function, enforcing `timeout` from the moment it starts (time
    spent queued in a pool or cluster never counts)."""
    if inspect.iscoroutinefunction(fn):
        import asyncio

        async def main() -> Any:
            if timeout is None:
                return await fn(*args, **kwargs)
            try:
                return await asyncio.wait_for(fn(*args, **kwargs), timeout)
            except asyncio.TimeoutError:
                raise TaskRunTimeoutError(scope_timeout_message(timeout)) from None

        return asyncio.run(main())
    if timeout is None:
        return fn(*args, **kwargs)
    return call_with_timeout(
        fn, args, kwargs, timeout, TaskRunTimeoutError, scope_timeout_message(timeout)
    )


def run_packed(
    payload: bytes, timeout: float | None = None, log_fields: dict[str, Any] | None = None
) -> bytes:
    """Remote side: call the packed function (sync or async, within `timeout` seconds,
    counted from the moment it starts) and return the pickled outcome, value or
    exception, with the log records the call made (or their count, when a log sink
    forwarded them). `log_fields` (e.g. the flow run's name) go on every log record.
    Runs in a worker process, a Dask worker or a Ray actor; `unpack_outcome` reads the
    answer on the flow's side."""
    cloudpickle = _cloudpickle()
    blob, args, kwargs, snapshot = cloudpickle.loads(payload)
    task = _remote_task(blob, snapshot["task_name"], snapshot["task_type"])
    fn = task.fn
    run = TaskRun(
        snapshot["task_name"],
        "",
        snapshot["flow_run_id"],
        snapshot["parameters"],
        set(snapshot["tags"]),
    )
    run.id, run.name, run.run_count = (
        snapshot["task_run_id"],
        snapshot["task_run_name"],
        snapshot["run_count"],
    )
    logger = _RemoteLogger(
        {
            **(log_fields or {}),
            "task_run_id": run.id,
            "task_run_name": run.name,
            "task_name": run.task_name,
            "flow_run_id": run.flow_run_id,
        }
    )
    ctx = TaskRunContext(task, run, snapshot["parameters"], snapshot["log_prints"], logger)
    token = TaskRunContext._var.set(ctx)
    try:
        if ctx.log_prints:
            install_print_redirect()
        with TagsContext(snapshot["context_tags"]):
            outcome: tuple[bool, Any] = (True, _call(fn, args, kwargs, timeout))
    except Exception as exc:
        exc.__headrace_remote_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
        outcome = (False, exc)
    finally:
        TaskRunContext._var.reset(token)
    try:
        return cloudpickle.dumps((outcome, logger.records, logger.forwarded))
    except Exception as exc:  # an unpicklable result or exception
        error = RuntimeError(f"could not send the task's outcome back: {exc!r}")
        return cloudpickle.dumps(((False, error), logger.records, logger.forwarded))


def unpack_outcome(blob: bytes, ctx: TaskRunContext) -> Any:
    """Flow side: re-emit the remote call's log records through the run's logger, then
    return its value or raise its exception (the engine turns that into the run's state)."""
    return deliver_outcome(_cloudpickle().loads(blob), ctx)


def deliver_outcome(outcome: tuple[Any, ...], ctx: TaskRunContext) -> Any:
    """`unpack_outcome` of an outcome already unpickled (`(outcome, records, forwarded)`)."""
    (ok, value), log_records, _forwarded = outcome
    for level, message in log_records:
        ctx.logger.log(level, message)
    if ok:
        return value
    raise value
