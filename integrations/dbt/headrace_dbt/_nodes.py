"""One headrace task run per dbt node, alive while dbt works on the node.

dbt calls its event callback from its own worker threads. When a node starts, a thread
enters the caller's run context (a copy of it) and calls a headrace task that forwards the
node's log lines as they arrive and ends, when dbt finishes the node, in the node's
state. So each node is a real task run of the flow, with dbt's timing, its state and its
logs in the store.

States: success, pass, warn and no-op are `Completed`; error, fail and partial success are
`Failed`; a node dbt skips (an upstream failed) is `Completed` named "Skipped" with the
reason as message. Not `NotReady`: that is a Pending state, never final, and the store
marks runs left Pending by a finished process as Crashed.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from typing import Any

from headrace import get_run_logger, task
from headrace.cache_policies import NONE
from headrace.context import TaskRunContext
from headrace.states import Completed, Failed, State
from headrace_dbt.results import DbtNodeResult

_ENDED = "dbt ended before this node finished"


def node_state(result: DbtNodeResult) -> State:
    """The final state that stands for a node result (the result is its data)."""
    if result.failed:
        message = f"dbt {result.resource_type} {result.name}: {result.status}"
        if result.message:
            message += f": {result.message}"
        return Failed(message=message, data=result)
    if result.skipped:
        return Completed(name="Skipped", message=result.message, data=result)
    return Completed(message=f"dbt {result.status}", data=result)


def _follow_node(node: _NodeRun) -> State:
    """Log the node's lines as dbt emits them; end in the node's state."""
    logger = get_run_logger()
    context = TaskRunContext.get()
    if context is not None:
        node.task_run_id = context.task_run.id
    while True:
        item = node.inbox.get()
        if isinstance(item, DbtNodeResult):
            item.task_run_id = node.task_run_id
            return node_state(item)
        level, message = item
        logger.log(level, message)


follow_node = task(_follow_node, name="dbt-node", cache_policy=NONE, persist_result=False)


class _NodeRun:
    __slots__ = ("unique_id", "inbox", "thread", "task_run_id", "result")

    def __init__(self, unique_id: str) -> None:
        self.unique_id = unique_id
        self.inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.task_run_id: str | None = None
        self.result: DbtNodeResult | None = None


class NodeRuns:
    """The node task runs of one dbt invocation (thread-safe: dbt calls from its workers)."""

    def __init__(self, as_task_runs: bool = True) -> None:
        self.as_task_runs = as_task_runs
        self._context = contextvars.copy_context()
        self._lock = threading.Lock()
        self._nodes: dict[str, _NodeRun] = {}
        self.finished: list[DbtNodeResult] = []

    def start(self, unique_id: str, resource_type: str) -> None:
        with self._lock:
            if unique_id in self._nodes:
                return
            node = self._nodes[unique_id] = _NodeRun(unique_id)
        if not self.as_task_runs:
            return
        node_task = follow_node.with_options(name=f"dbt {resource_type}", task_run_name=unique_id)
        node.thread = threading.Thread(
            target=self._context.copy().run,
            args=(node_task, node),
            name=f"dbt-node {unique_id}",
            daemon=True,
        )
        node.thread.start()

    def is_running(self, unique_id: str) -> bool:
        node = self._nodes.get(unique_id)
        return node is not None and node.result is None

    def log(self, unique_id: str, level: int, message: str) -> None:
        node = self._nodes.get(unique_id)
        if node is not None and node.result is None and node.thread is not None:
            node.inbox.put((level, message))

    def finish(self, result: DbtNodeResult) -> None:
        """The node is done: its task run ends in the matching state."""
        self.start(result.unique_id, result.resource_type)
        node = self._nodes[result.unique_id]
        with self._lock:
            if node.result is not None:
                return
            node.result = result
            self.finished.append(result)
        node.inbox.put(result)

    def close(self) -> None:
        """End every node still open (dbt stopped early) and wait for all task runs."""
        for node in list(self._nodes.values()):
            if node.result is None:
                unique_id = node.unique_id
                self.finish(
                    DbtNodeResult(
                        unique_id=unique_id,
                        name=unique_id.rsplit(".", 1)[-1],
                        resource_type=unique_id.split(".", 1)[0],
                        status="error",
                        message=_ENDED,
                    )
                )
        for node in self._nodes.values():
            if node.thread is not None:
                node.thread.join()
