"""`Flow.visualize()`: the graph of a flow's task calls, as a Mermaid flowchart.

The flow's function runs with a tracing context in place of a real flow run: task and
subflow calls do not run, they add a node and return a stand-in value (the task's
`viz_return_value` when it has one). A stand-in passed to a later call, directly or inside
a list, tuple, set or dict, or through `wait_for`, draws an edge. Nothing is recorded
in the store and no task function is called.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from headrace.context import FlowRunContext
from headrace.run_records import FlowRun


class VizResult:
    """What a traced task call returns: stands for the run's result (and its future)."""

    def __init__(self, node: str) -> None:
        self.node = node

    # the future API, so `.submit(...).result()` and `wait(...)` work while tracing
    def result(self, *args: Any, **kwargs: Any) -> VizResult:
        return self

    def wait(self, *args: Any, **kwargs: Any) -> None:
        return None

    def __repr__(self) -> str:
        return f"<result of {self.node}>"


class _Graph:
    def __init__(self) -> None:
        self.nodes: list[tuple[str, str, str]] = []  # (id, label, shape)
        self.edges: list[tuple[str, str]] = []
        self._by_id: dict[int, tuple[str, Any]] = {}  # id(value) -> (node, value kept alive)

    def add(self, label: str, inputs: Any, shape: str = "task") -> str:
        node = f"n{len(self.nodes)}"
        self.nodes.append((node, label, shape))
        for upstream in dict.fromkeys(self._upstreams(inputs)):
            self.edges.append((upstream, node))
        return node

    def returned(self, node: str, value: Any) -> Any:
        if value is None:
            return VizResult(node)
        self._by_id[id(value)] = (node, value)
        return value

    def _upstreams(self, value: Any, depth: int = 0) -> list[str]:
        if isinstance(value, VizResult):
            return [value.node]
        known = self._by_id.get(id(value))
        if known is not None and known[1] is value:
            return [known[0]]
        if depth > 3:
            return []
        found: list[str] = []
        if isinstance(value, dict):
            for item in value.values():
                found += self._upstreams(item, depth + 1)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                found += self._upstreams(item, depth + 1)
        else:
            inner = getattr(value, "unwrap", None)  # allow_failure / quote / unmapped
            if callable(inner) and type(value).__module__.startswith("headrace."):
                found += self._upstreams(inner(), depth + 1)
        return found

    def mermaid(self, title: str) -> str:
        lines = ["---", f"title: {title}", "---", "flowchart TD"]
        for node, label, shape in self.nodes:
            text = label.replace('"', "#quot;")
            lines.append(f'    {node}(["{text}"])' if shape == "flow" else f'    {node}["{text}"]')
        lines += [f"    {source} --> {target}" for source, target in self.edges]
        return "\n".join(lines) + "\n"


class TracingContext(FlowRunContext):
    """A flow-run context that makes task calls add graph nodes instead of running."""

    __slots__ = ("graph",)
    tracing = True

    def __init__(self, flow: Any, parameters: dict[str, Any]) -> None:
        run = FlowRun(flow.name, parameters, set(), flow_version=None)
        logger = logging.LoggerAdapter(logging.getLogger("headrace.flow_runs"), {})
        super().__init__(flow, run, flow.task_runner, parameters, None, False, logger)
        self.graph = _Graph()

    def trace_call(self, task: Any, parameters: dict[str, Any], wait_for: Any) -> Any:
        node = self.graph.add(task.name, [parameters, wait_for])
        value = self.graph.returned(node, getattr(task, "viz_return_value", None))
        if getattr(task, "isasync", False):
            return _ready(value)
        return value

    def trace_map(
        self, task: Any, bound: dict[str, Any], calls: list[dict[str, Any]] | None, wait_for: Any
    ) -> list[Any]:
        if calls is None:  # the iterables are themselves stand-ins: one node for the map
            return [self.trace_call(task, bound, wait_for)]
        graph = self.graph
        return [graph.returned(graph.add(task.name, [bound, c, wait_for]), None) for c in calls]

    def trace_subflow(self, flow: Any, parameters: dict[str, Any], wait_for: Any) -> Any:
        node = self.graph.add(flow.name, [parameters, wait_for], shape="flow")
        value = VizResult(node)
        return _ready(value) if flow.isasync else value


async def _ready(value: Any) -> Any:
    return value


def visualize(flow: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """Trace `flow(*args, **kwargs)` and return its task graph as Mermaid text."""
    parameters = flow.signature.bind(args, kwargs)
    ctx = TracingContext(flow, parameters)
    call_args, call_kwargs = flow.signature.to_call(parameters)
    token = FlowRunContext._var.set(ctx)
    try:
        outcome = flow.fn(*call_args, **call_kwargs)
        if asyncio.iscoroutine(outcome):
            asyncio.run(outcome)
    finally:
        FlowRunContext._var.reset(token)
    return ctx.graph.mermaid(flow.name)
