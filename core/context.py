"""Run contexts: which flow run and task run the current code belongs to.

Context lives in `contextvars`, so it follows asyncio tasks and is copied explicitly
into worker threads by the task runners.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from headrace.exceptions import MissingContextError

if TYPE_CHECKING:
    from headrace.flows import Flow
    from headrace.results import ResultStore
    from headrace.run_records import FlowRun, TaskRun
    from headrace.task_runners import TaskRunner
    from headrace.tasks import Task


class RunContext:
    """Base of the flow- and task-run contexts."""

    __slots__ = ()
    _var: contextvars.ContextVar[Any]

    @classmethod
    def get(cls) -> Any:
        """The current context of this kind, or None."""
        return cls._var.get(None)


class FlowRunContext(RunContext):
    """What a running flow shares with the tasks it calls."""

    __slots__ = (
        "flow",
        "flow_run",
        "task_runner",
        "parameters",
        "result_store",
        "log_prints",
        "logger",
        "task_counts",
        "_token",
        "persist_result",
        "task_persist_default",
    )
    _var: contextvars.ContextVar[FlowRunContext] = contextvars.ContextVar("headrace_flow_run")

    def __init__(
        self,
        flow: Flow,
        flow_run: FlowRun,
        task_runner: TaskRunner,
        parameters: dict[str, Any],
        result_store: ResultStore | None,
        log_prints: bool,
        logger: logging.LoggerAdapter,
    ) -> None:
        self.flow = flow
        self.flow_run = flow_run
        self.task_runner = task_runner
        self.parameters = parameters
        self.result_store = result_store
        self.log_prints = log_prints
        self.logger = logger
        self.task_counts: dict[str, int] = {}
        self._token: contextvars.Token | None = None
        #: whether this run persists its result (`headrace.results.should_persist_result`)
        self.persist_result = False
        #: PREFECT_TASKS_DEFAULT_PERSIST_RESULT, read once per flow run (not per task)
        self.task_persist_default: bool | None = None

    def next_dynamic_key(self, task_key: str) -> str:
        """A per-flow-run counter per task, as Prefect's dynamic_key (thread-safe enough:
        dict operations are atomic under the GIL, and a duplicate key is harmless)."""
        count = self.task_counts.get(task_key, 0)
        self.task_counts[task_key] = count + 1
        return str(count)

    def __enter__(self) -> FlowRunContext:
        self._token = self._var.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            self._var.reset(self._token)
            self._token = None


class TaskRunContext(RunContext):
    """What a running task (and code it calls) can see about itself."""

    __slots__ = (
        "task",
        "task_run",
        "parameters",
        "log_prints",
        "_logger",
        "_result_store",
        "persist_result",
    )
    _var: contextvars.ContextVar[TaskRunContext] = contextvars.ContextVar("headrace_task_run")

    def __init__(
        self,
        task: Task,
        task_run: TaskRun,
        parameters: dict[str, Any],
        log_prints: bool,
        logger: logging.LoggerAdapter | Callable[[], logging.LoggerAdapter],
        result_store: ResultStore | None = None,
    ) -> None:
        self.task = task
        self.task_run = task_run
        self.parameters = parameters
        self.log_prints = log_prints
        self._logger = logger
        self._result_store = result_store
        self.persist_result = False

    @property
    def result_store(self) -> ResultStore:
        """The run's result store; made on first use for runs that do not persist."""
        store = self._result_store
        if store is None:
            from headrace.results import ResultStore

            flow_ctx = FlowRunContext._var.get(None)
            base = flow_ctx.result_store if flow_ctx is not None else None
            store = self._result_store = (base or ResultStore()).update_for_task(
                self.task, _sync=True
            )
        return store

    @result_store.setter
    def result_store(self, store: ResultStore | None) -> None:
        self._result_store = store

    @property
    def logger(self) -> logging.LoggerAdapter:
        """The run's logger, built on first use (most task runs never log)."""
        logger = self._logger
        if callable(logger) and not isinstance(logger, logging.LoggerAdapter):
            logger = self._logger = logger()
        return logger


def get_run_context() -> TaskRunContext | FlowRunContext:
    """The innermost run context; raises MissingContextError outside any run."""
    ctx = TaskRunContext._var.get(None) or FlowRunContext._var.get(None)
    if ctx is None:
        raise MissingContextError(
            "No run context available. You are not in a flow or task run context."
        )
    return ctx


_tags: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "headrace_tags", default=frozenset()
)


def current_tags() -> frozenset[str]:
    """Tags added by enclosing `with tags(...)` blocks."""
    return _tags.get()


@contextmanager
def tags(*new_tags: str) -> Iterator[set[str]]:
    """Add tags to every flow and task run created inside the block."""
    merged = _tags.get() | frozenset(new_tags)
    token = _tags.set(merged)
    try:
        yield set(merged)
    finally:
        _tags.reset(token)


__all__ = [
    "FlowRunContext",
    "RunContext",
    "TaskRunContext",
    "current_tags",
    "get_run_context",
    "tags",
]
