"""Futures for submitted task runs, with Prefect 3's interface.

A future is settled once, with the task run's final state. A worker thread that waits
on a future whose work has not started yet runs that work itself ("steals" it), so
nested submissions cannot deadlock a bounded thread pool.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar
from uuid import UUID

from headrace._flow_run_suspension import raise_if_flow_run_suspension_requested
from headrace.exceptions import MissingResult
from headrace.states import Pending, State, _state_result
from headrace.utilities.annotations import quote

if TYPE_CHECKING:
    import concurrent.futures

    from headrace.run_records import TaskRun

R = TypeVar("R")
F = TypeVar("F")

_worker = threading.local()
#: guards every future's small critical sections; futures are many, locks are not cheap
_settle_lock = threading.Lock()

logger = logging.getLogger("headrace.futures")


def mark_worker_thread() -> None:
    """Called by task-runner threads: waits from here may run pending work inline."""
    _worker.is_worker = True


def _check_timeout(timeout: float | None) -> None:
    if timeout is not None and timeout < 0:
        raise ValueError(f"'timeout' must be a non-negative number, got {timeout}")


class PrefectFuture(Generic[R]):
    """The eventual final state of a run: `wait()`, `result()`, `add_done_callback()`.

    The base of every future (Prefect's abstract `PrefectFuture`); subclasses implement
    those three. `_final_state` holds the final state once known.
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # `PrefectFuture(task_run)` is headrace's engine API for task runners (Prefect's
        # class is abstract): it makes the in-process `TaskRunFuture`
        return object.__new__(TaskRunFuture if cls is PrefectFuture else cls)

    def __init__(self, task_run_id: Any) -> None:
        self._task_run_id = task_run_id
        self._final_state: State | None = None

    @property
    def task_run_id(self) -> Any:
        return self._task_run_id

    @property
    def state(self) -> State:
        """The final state once known; Pending until then."""
        return self._final_state or Pending()

    def wait(self, timeout: float | None = None) -> None:
        raise NotImplementedError

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        raise NotImplementedError

    def add_done_callback(self, fn: Callable[[PrefectFuture], Any]) -> None:
        raise NotImplementedError


class PrefectTaskRunFuture(PrefectFuture[R]):
    """A future for one task run, known by its id."""


class PrefectWrappedFuture(PrefectTaskRunFuture[R], Generic[R, F]):
    """A future wrapping another future object (e.g. a `concurrent.futures.Future`)."""

    def __init__(self, task_run_id: Any, wrapped_future: F) -> None:
        self._wrapped_future = wrapped_future
        super().__init__(task_run_id)

    @property
    def wrapped_future(self) -> F:
        return self._wrapped_future

    def add_done_callback(self, fn: Callable[[PrefectFuture], Any]) -> None:
        if self._final_state is not None:
            fn(self)
            return
        self._wrapped_future.add_done_callback(lambda _wrapped: fn(self))  # type: ignore[attr-defined]


class PrefectConcurrentFuture(PrefectWrappedFuture[R, "concurrent.futures.Future[Any]"]):
    """Wraps a `concurrent.futures.Future` whose result is the run's final state (or,
    for work that returns plain values, the value itself)."""

    def wait(self, timeout: float | None = None) -> None:
        import concurrent.futures

        try:
            outcome = self._wrapped_future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            raise_if_flow_run_suspension_requested()
            return
        if isinstance(outcome, State):
            self._final_state = outcome

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        import concurrent.futures

        if self._final_state is None:
            try:
                outcome = self._wrapped_future.result(timeout=timeout)
            except concurrent.futures.TimeoutError as exc:
                raise_if_flow_run_suspension_requested()
                raise TimeoutError(
                    f"Task run {self.task_run_id} did not complete within {timeout} seconds"
                ) from exc
            if not isinstance(outcome, State):
                return outcome
            self._final_state = outcome
        return _state_result(self._final_state, raise_on_failure)


class TaskRunFuture(PrefectFuture[R]):
    """headrace's future for a task run submitted to an in-process task runner.

    Kept small (a map makes thousands): the wake-up event is only created when someone
    actually waits before the run is done.
    """

    __slots__ = (
        "task_run",
        "_final_state",
        "_event",
        "_callbacks",
        "_work",
        "_claimed",
        "_wrapped",
        "__dict__",  # attributes of the caller's own (`future.parameters = ...`), as Prefect's
    )

    def __init__(self, task_run: TaskRun) -> None:
        self.task_run = task_run
        self._final_state: State | None = None
        self._event: threading.Event | None = None
        self._callbacks: list[Callable[[PrefectFuture], Any]] | None = None
        self._work: Callable[[], Any] | None = None
        self._claimed = False

    @property
    def task_run_id(self) -> UUID:
        """The task run's id as a UUID, as Prefect gives it (records keep the text form)."""
        return UUID(self.task_run.id)

    @property
    def wrapped_future(self) -> concurrent.futures.Future[State]:
        """A `concurrent.futures.Future` settled with this run's final state, for code that
        combines task runs with other executors' futures (made on first use only)."""
        import concurrent.futures

        with _settle_lock:
            try:
                return self._wrapped
            except AttributeError:
                self._wrapped = wrapped = concurrent.futures.Future()
        wrapped.set_running_or_notify_cancel()
        self.add_done_callback(lambda future: wrapped.set_result(future._final_state))
        return wrapped

    @property
    def state(self) -> State:
        """The final state once done; until then the task run's current state."""
        if self._final_state is not None:
            return self._final_state
        return self.task_run.state or Pending()

    def done(self) -> bool:
        return self._final_state is not None

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the task run to finish (at most `timeout` seconds)."""
        if self._final_state is not None:
            return
        if getattr(_worker, "is_worker", False) and self.run_work():
            return
        with _settle_lock:
            if self._final_state is not None:
                return
            if self._event is None:
                self._event = threading.Event()
            event = self._event
        if not event.wait(timeout) and timeout is not None:
            raise_if_flow_run_suspension_requested()

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        """The task's return value; raises its exception if it failed and `raise_on_failure`."""
        self.wait(timeout)
        state = self._final_state
        if state is None:
            raise TimeoutError(
                f"Task run {self.task_run.id} did not complete within {timeout} seconds"
            )
        return _state_result(state, raise_on_failure)

    async def aresult(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        import asyncio

        if self._final_state is None:
            await asyncio.to_thread(self.wait, timeout)
        return self.result(timeout=0, raise_on_failure=raise_on_failure)

    def add_done_callback(self, fn: Callable[[PrefectFuture], Any]) -> None:
        """Call `fn(future)` when the run finishes (at once if it already has)."""
        with _settle_lock:
            if self._final_state is None:
                if self._callbacks is None:
                    self._callbacks = []
                self._callbacks.append(fn)
                return
        fn(self)

    # -- used by task runners --------------------------------------------------------------
    def bind_work(self, work: Callable[[], Any]) -> None:
        """The callable that runs this task run; whoever claims it first runs it."""
        self._work = work

    def run_work(self) -> bool:
        """Run the bound work here unless another thread already claimed it."""
        with _settle_lock:
            if self._claimed or self._work is None:
                return False
            self._claimed = True
            work = self._work
        work()
        return True

    def set_final_state(self, state: State) -> None:
        with _settle_lock:
            self._final_state = state
            self._work = None
            event, callbacks, self._callbacks = self._event, self._callbacks, None
        if event is not None:
            event.set()
        for callback in callbacks or ():
            callback(self)

    def __repr__(self) -> str:
        return f"PrefectFuture(task_run={self.task_run.name!r}, state={self.state})"

    def __await__(self) -> Any:
        raise TypeError(
            "object PrefectFuture can't be used in 'await' expression: futures are "
            "synchronous; call .result() (or `await future.aresult()`)"
        )


def _is_done(future: PrefectFuture) -> bool:
    return getattr(future, "_final_state", None) is not None


class PrefectFutureList(list):
    """The futures of a `.map()` call."""

    def wait(self, timeout: float | None = None) -> None:
        wait(self, timeout=timeout)

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> list[Any]:
        """Every result, in order; a failure is raised as soon as it is seen."""
        _check_timeout(timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        results = []
        for future in self:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                results.append(future.result(timeout=remaining, raise_on_failure=raise_on_failure))
            except TimeoutError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"Timed out waiting for all futures to complete within {timeout} seconds"
                    ) from None
                raise
            if deadline is not None and time.monotonic() >= deadline:
                # a slow result (e.g. a large one read back) counts against the timeout too
                raise TimeoutError(
                    f"Timed out waiting for all futures to complete within {timeout} seconds"
                )
        return results


class DoneAndNotDoneFutures(NamedTuple):
    done: set[PrefectFuture]
    not_done: set[PrefectFuture]


def wait(futures: Iterable[PrefectFuture], timeout: float | None = None) -> DoneAndNotDoneFutures:
    """Wait for all futures (at most `timeout` seconds, watching all of them at once);
    report which finished."""
    _check_timeout(timeout)
    unique = set(futures)
    pending = {future for future in unique if not _is_done(future)}
    if timeout is None:
        for future in pending:
            future.wait()
        return DoneAndNotDoneFutures(unique, set())
    finished: set[PrefectFuture] = set()
    signal = threading.Condition()

    def _on_done(future: PrefectFuture) -> None:
        with signal:
            finished.add(future)
            signal.notify_all()

    deadline = time.monotonic() + timeout
    _run_queued_here(pending)
    for future in pending:
        future.add_done_callback(_on_done)
    with signal:
        while not pending <= finished:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            signal.wait(remaining)
        settled = set(finished)
    for future in pending & settled:
        future.wait(0)  # records the final state on wrappers of other futures
    not_done = pending - settled
    if not_done:
        raise_if_flow_run_suspension_requested()
    return DoneAndNotDoneFutures(unique - not_done, not_done)


def _run_queued_here(futures: Iterable[PrefectFuture]) -> None:
    """In a task runner's worker thread, run the still-queued work of `futures` here
    first, as `TaskRunFuture.wait` does: when every worker waits, nothing else would."""
    if not getattr(_worker, "is_worker", False):
        return
    for future in futures:
        run_work = getattr(future, "run_work", None)
        if run_work is not None:
            run_work()


def as_completed(
    futures: Iterable[PrefectFuture], timeout: float | None = None
) -> Iterator[PrefectFuture]:
    """Yield futures as they finish; TimeoutError if some are still running at `timeout`."""
    _check_timeout(timeout)
    unique = list(dict.fromkeys(futures))
    finished: list[PrefectFuture] = [future for future in unique if _is_done(future)]
    pending = [future for future in unique if not _is_done(future)]
    signal = threading.Condition()

    def _on_done(future: PrefectFuture) -> None:
        with signal:
            finished.append(future)
            signal.notify_all()

    deadline = None if timeout is None else time.monotonic() + timeout
    _run_queued_here(pending)
    yielded = 0
    for future in finished[:]:
        yielded += 1
        yield future
    for future in pending:
        future.add_done_callback(_on_done)
    while yielded < len(unique):
        with signal:
            while len(finished) <= yielded:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(
                        f"{len(unique) - yielded} (of {len(unique)}) futures unfinished"
                    )
                signal.wait(remaining)
            batch = finished[yielded:]
        for future in batch:
            yielded += 1
            future.wait(0)
            yield future


#: values that never hold a future or a state (checked first: the common case)
ATOMS = (str, bytes, int, float, bool, type(None))


def visit_collection(value: Any, visit: Callable[[Any], Any]) -> Any:
    """Apply `visit` to every future or state inside lists, tuples, sets and dicts.

    A container in which nothing changed comes back as the same object (a task that
    mutates a list it was given mutates the caller's list, as in plain Python)."""
    if isinstance(value, ATOMS):
        return value
    if isinstance(value, (PrefectFuture, State)):
        return visit(value)
    if isinstance(value, quote):
        return value
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # namedtuple
        items = [visit_collection(item, visit) for item in value]
        return value if _same(items, value) else type(value)(*items)
    for kind in (list, tuple, set, frozenset):
        # changed subclasses (e.g. PrefectFutureList) come back as their plain base type
        if isinstance(value, kind):
            items = [visit_collection(item, visit) for item in value]
            return value if _same(items, value) else kind(items)
    if isinstance(value, dict):
        pairs = [
            (visit_collection(key, visit), visit_collection(item, visit))
            for key, item in value.items()
        ]
        if all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(pairs, value.items(), strict=True)):
            return value
        # dict and OrderedDict keep their type; other mappings come back as plain dicts
        return value.__class__(pairs) if type(value) in (dict, OrderedDict) else dict(pairs)
    # a dataclass instance: a copy with its (init) fields visited
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None and not isinstance(value, type):
        import dataclasses

        changes = {
            name: visit_collection(getattr(value, name), visit)
            for name, spec in fields.items()
            if spec.init and spec._field_type is dataclasses._FIELD  # type: ignore[attr-defined]
        }
        if all(item is getattr(value, name) for name, item in changes.items()):
            return value
        return dataclasses.replace(value, **changes)
    return value


def _same(items: list[Any], originals: Any) -> bool:
    return all(item is original for item, original in zip(items, originals, strict=True))


def resolve_futures_to_states(value: Any) -> Any:
    """Replace futures (also inside lists, tuples, sets, dicts) by their final states."""
    return visit_collection(
        value, lambda item: _wait_state(item) if isinstance(item, PrefectFuture) else item
    )


def resolve_futures_to_results(value: Any) -> Any:
    """Replace futures (also inside collections) by their results."""
    return visit_collection(
        value, lambda item: _result_of(item) if isinstance(item, PrefectFuture) else item
    )


def _wait_state(future: PrefectFuture) -> State:
    future.wait()
    return future.state


def _result_of(future: PrefectFuture) -> Any:
    return future.result()


#: a background run's queue status -> the state type it ended in
_BACKGROUND_FINAL = {"completed": "COMPLETED", "failed": "FAILED", "crashed": "CRASHED"}
#: longest pause between two looks at the store while waiting for a background result
MAX_POLL_SECONDS = 0.25
#: how often a waiting submitter also settles background runs whose workers died
REAP_EVERY_SECONDS = 1.0


def _loads(blob: bytes) -> Any:
    import cloudpickle  # deferred: only background runs send pickled outcomes

    return cloudpickle.loads(blob)


def _restore(task_run_id: str) -> PrefectDistributedFuture:
    return PrefectDistributedFuture(task_run_id)


class PrefectDistributedFuture(TaskRunFuture):
    """The future of a background task run: its state and result are read from the
    store, so it works in any process (it pickles as its task run id)."""

    __slots__ = ("_watching",)

    def __init__(self, task_run_id: str | UUID) -> None:
        from headrace.run_records import TaskRun  # deferred: the engine's futures need none

        run = TaskRun("", "", None, {}, set())
        run.id = str(task_run_id)
        super().__init__(run)
        self._watching = False

    @property
    def state(self) -> State:
        """The final state once done; until then the task run's state in the store."""
        if self._final_state is not None or self._check():
            return self._final_state  # type: ignore[return-value]
        from headrace.store import get_store  # deferred: only background runs read it

        row = get_store().runs.read_task_run(self.task_run.id)
        if row is None or row["state_type"] is None:
            state = Pending()
        else:
            state = State(row["state_type"], name=row["state_name"], message=row["state_message"])
        self._identify(state)
        return state

    def _identify(self, state: State) -> None:
        details = state.state_details
        details.task_run_id = self.task_run.id
        # the queued call is kept under the run's id (`task_worker.read_parameters`)
        details.task_parameters_id = self.task_run_id

    def done(self) -> bool:
        return self._final_state is not None or self._check()

    def _check(self) -> bool:
        """Settle this future if the run has ended; True if it has."""
        from headrace.store import get_store

        row = get_store().task_queue.read_outcome(self.task_run.id)
        if row is None:
            return self._check_recorded_run()
        if row["status"] not in _BACKGROUND_FINAL:
            return False
        kind = _BACKGROUND_FINAL[row["status"]]
        data = None if row["outcome"] is None else _loads(row["outcome"])
        state = State(kind, name=row["state_name"], message=row["message"], data=data)
        self._identify(state)
        self.set_final_state(state)
        return True

    def _check_recorded_run(self) -> bool:
        """A run that was never queued (e.g. `Task.create_run`): settle it from its
        record once it has ended; its value is not kept there."""
        from headrace.store import get_store

        store = get_store()
        row = store.runs.read_task_run(self.task_run.id)
        if row is None:
            store.flush()  # it may be on its way to the store
            row = store.runs.read_task_run(self.task_run.id)
        if row is None:
            raise MissingResult(f"No background task run {self.task_run.id} in {store.location}")
        if row["state_type"] is None:
            return False
        state = State(row["state_type"], name=row["state_name"], message=row["state_message"])
        if not state.is_final():
            return False
        state.state_details.task_run_id = self.task_run.id
        self.set_final_state(state)
        return True

    def wait(self, timeout: float | None = None) -> None:
        """Wait (at most `timeout` seconds) for the run to end on some task worker."""
        if self._final_state is not None:
            return
        from headrace.store import get_store

        store = get_store()
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.005
        next_reap = time.monotonic() + REAP_EVERY_SECONDS
        while not self._check():
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                raise_if_flow_run_suspension_requested()
                return
            if now >= next_reap:  # a dead worker's run must end even if no worker is left
                store.task_queue.reap()
                next_reap = now + REAP_EVERY_SECONDS
            pause = delay if deadline is None else min(delay, deadline - now)
            time.sleep(max(0.0, pause))
            delay = min(delay * 2, MAX_POLL_SECONDS)

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        self.wait(timeout)
        if self._final_state is None:
            raise TimeoutError(
                f"Task run {self.task_run.id} did not complete within {timeout} seconds"
            )
        return _state_result(self._final_state, raise_on_failure)

    def add_done_callback(self, fn: Callable[[PrefectFuture], Any]) -> None:
        """Call `fn(future)` when the run ends (a thread of this process watches for it)."""
        super().add_done_callback(fn)
        if self._final_state is None and not self._watching:
            self._watching = True
            threading.Thread(target=self.wait, name="headrace-future-watch", daemon=True).start()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self.task_run.id,))

    def __eq__(self, other: object) -> bool:
        """Two futures of the same background run are equal (one may have travelled)."""
        return isinstance(other, PrefectDistributedFuture) and other.task_run.id == self.task_run.id

    def __hash__(self) -> int:
        return hash(self.task_run.id)

    def __repr__(self) -> str:
        return f"PrefectDistributedFuture(task_run_id={self.task_run.id!r})"


__all__ = [
    "DoneAndNotDoneFutures",
    "PrefectConcurrentFuture",
    "PrefectDistributedFuture",
    "PrefectFuture",
    "PrefectFutureList",
    "PrefectTaskRunFuture",
    "PrefectWrappedFuture",
    "TaskRunFuture",
    "as_completed",
    "resolve_futures_to_results",
    "resolve_futures_to_states",
    "wait",
]


class PrefectFlowRunFuture(PrefectFuture[R]):
    """The eventual final state of a flow run, read from the store by its id: for runs
    started elsewhere (a deployment's run on a worker, a run in another process).

    headrace does not keep a flow run's return value in the store, so `result()` of a
    completed run raises MissingResult (as Prefect does for a result it did not persist);
    a failed run's `result()` raises its error.
    """

    def __init__(self, flow_run_id: Any) -> None:
        super().__init__(None)
        self._flow_run_id = flow_run_id
        self._watching = False
        self._callbacks: list[Callable[[PrefectFuture], Any]] = []

    @property
    def flow_run_id(self) -> Any:
        return self._flow_run_id

    def _read_state(self) -> State | None:
        from headrace.client.orchestration import get_client  # deferred: futures sit low
        from headrace.exceptions import ObjectNotFound

        try:
            return get_client(sync_client=True).read_flow_run(self._flow_run_id).state
        except ObjectNotFound:
            return None  # not recorded yet: it may still be created

    @property
    def state(self) -> State:
        """The final state once known, else the run's state in the store (Pending while
        the run is not recorded)."""
        if self._final_state is not None:
            return self._final_state
        state = self._read_state()
        if state is not None and state.is_final():
            self._settle(state)
        return state or Pending()

    def _settle(self, state: State) -> None:
        with _settle_lock:
            if self._final_state is not None:
                return
            self._final_state = state
            callbacks, self._callbacks = self._callbacks, []
        for fn in callbacks:
            try:
                fn(self)
            except Exception:
                logger.exception("A done callback of flow run %s failed", self._flow_run_id)

    def wait(self, timeout: float | None = None) -> None:
        """Wait (at most `timeout` seconds) until the run is in a final state."""
        _check_timeout(timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.005
        while self._final_state is None and not self.state.is_final():
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                raise_if_flow_run_suspension_requested()
                return
            time.sleep(delay if deadline is None else max(0.0, min(delay, deadline - now)))
            delay = min(delay * 2, MAX_POLL_SECONDS)

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        self.wait(timeout)
        final = self._final_state
        if final is None:
            raise TimeoutError(
                f"Flow run {self._flow_run_id} did not complete within {timeout} seconds"
            )
        if final.is_completed() and final.data is None:
            raise MissingResult(
                f"The result of flow run {self._flow_run_id} is not kept in the store; "
                "return it through a task, an artifact or a variable to read it elsewhere."
            )
        return _state_result(final, raise_on_failure)

    async def aresult(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        import asyncio

        return await asyncio.to_thread(self.result, timeout, raise_on_failure)

    def add_done_callback(self, fn: Callable[[PrefectFuture], Any]) -> None:
        """Call `fn(future)` when the run ends (a thread of this process watches for it)."""
        with _settle_lock:
            if self._final_state is None:
                self._callbacks.append(fn)
                start = not self._watching
                self._watching = True
            else:
                start = None
        if start is None:
            fn(self)
        elif start:
            threading.Thread(target=self.wait, name="headrace-flow-run-watch", daemon=True).start()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PrefectFlowRunFuture):
            return False
        return str(self._flow_run_id) == str(other._flow_run_id)

    def __hash__(self) -> int:
        return hash(str(self._flow_run_id))

    def __repr__(self) -> str:
        return f"PrefectFlowRunFuture(flow_run_id={str(self._flow_run_id)!r})"


__all__ += ["PrefectFlowRunFuture"]
