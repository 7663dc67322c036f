"""Background task runs: `Task.delay` / `Task.apply_async` queue a run in the store, a
task worker in another process (`Task.serve`, `headrace task serve`) claims and runs it,
and the submitter's `PrefectDistributedFuture` reads its outcome back from the store.

Only the call travels: the arguments are pickled (cloudpickle) into the queue row, and
the worker runs its own copy of the task, found by the task's background key (its
qualified name and a hash of its source), as Prefect matches them. The outcome (the
return value or the exception, pickled) is stored with the queue row, so it reaches the
submitter through the store or the server alone, without shared result storage.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
from collections.abc import Callable, Iterable
from typing import Any

from headrace.context import current_tags
from headrace.futures import PrefectDistributedFuture, PrefectFuture, visit_collection
from headrace.run_records import new_task_run_id
from headrace.settings import get_current_settings
from headrace.states import State, StateType
from headrace.store import get_store

logger = logging.getLogger("headrace.tasks")


def _cloudpickle() -> Any:
    import cloudpickle  # deferred: only background runs pickle calls

    return cloudpickle


@functools.lru_cache(maxsize=1024)
def _key_for(fn: Callable[..., Any]) -> str:
    try:
        source = inspect.getsource(fn).encode()
    except (OSError, TypeError):
        code = getattr(fn, "__code__", None)
        source = code.co_code if code is not None else repr(fn).encode()
    qualname = getattr(fn, "__qualname__", type(fn).__name__).rsplit(".", 1)[-1]
    return f"{qualname}-{hashlib.sha256(source).hexdigest()[:16]}"


def background_key(task: Any) -> str:
    """What a worker matches a queued run on: the function's name and a hash of its
    source, the same in every process that loads the same code, whatever the module is
    called there (`__main__` in one, `tasks` in another)."""
    return _key_for(task.fn)


def _portable(value: Any) -> Any:
    """A value that can go to another process: futures of this process become their
    final states (distributed futures travel as their ids)."""

    def visit(item: Any) -> Any:
        if isinstance(item, PrefectFuture) and not isinstance(item, PrefectDistributedFuture):
            item.wait()
            return item.state
        return item

    return visit_collection(value, visit)


def submit(
    task: Any,
    args: Iterable[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    wait_for: Iterable[Any] | None = None,
) -> PrefectDistributedFuture:
    """Queue a background run of `task` for a task worker; returns its future."""
    parameters = task.signature.bind(tuple(args or ()), dict(kwargs or {}))
    # the submitter's context that travels with the call: its tags (`with tags(...)`)
    context = {"tags": sorted(task.tags | current_tags())}
    payload = _cloudpickle().dumps(
        (_portable(parameters), _portable(list(wait_for)) if wait_for else None, context)
    )
    run_id = new_task_run_id()
    run_name = f"{task.name}-{run_id[-3:]}"
    get_store().task_queue.enqueue(
        run_id,
        background_key(task),
        task.name,
        run_name,
        context["tags"],
        payload,
        max_attempts=1 + task.retries,
    )
    ui_url = get_current_settings().ui.url
    if ui_url:
        url = f"{ui_url.rstrip('/')}/runs/task-run/{run_id}"
        logger.info(f"Created task run {run_name!r}. View it in the UI at {url!r}")
    return PrefectDistributedFuture(run_id)


def load_call(payload: bytes) -> tuple[dict[str, Any], list[Any] | None, dict[str, Any]]:
    """Worker side: the parameters, `wait_for` and submitter's context of a queued run."""
    return _cloudpickle().loads(payload)


def pack_outcome(state: State) -> bytes:
    """The final state's value or exception, pickled for the submitter (an unpicklable
    one becomes a RuntimeError that says so)."""
    cloudpickle = _cloudpickle()
    data = state.data
    if isinstance(data, State) or (state.type is not StateType.COMPLETED and data is None):
        data = None
    else:
        data = state.result(raise_on_failure=False)
    try:
        return cloudpickle.dumps(data)
    except Exception as exc:
        return cloudpickle.dumps(RuntimeError(f"could not send the task's outcome back: {exc!r}"))


__all__ = ["PrefectDistributedFuture", "background_key", "submit"]
