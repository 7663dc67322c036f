"""What a dbt command gives back: one result per node, and the command's own outcome."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

#: dbt statuses of a node that failed; they fail the command unless the caller opts out.
#: Every other status but `skipped` (success, pass, warn, no-op) means the node did its work.
FAILURE_STATUSES = frozenset({"error", "fail", "runtime error", "partial success"})
SKIPPED_STATUS = "skipped"


@dataclass
class DbtNodeResult:
    """One dbt node (model, test, seed, snapshot, ...) as dbt reported it."""

    unique_id: str
    name: str
    resource_type: str
    status: str
    message: str | None = None
    started_at: _dt.datetime | None = None
    completed_at: _dt.datetime | None = None
    execution_time: float = 0.0
    rows_affected: int | None = None
    failures: int | None = None
    relation_name: str | None = None
    #: the task run that stands for this node (None when node task runs were switched off)
    task_run_id: str | None = None

    @property
    def failed(self) -> bool:
        return self.status in FAILURE_STATUSES

    @property
    def skipped(self) -> bool:
        return self.status == SKIPPED_STATUS


@dataclass
class DbtCommandResult:
    """The outcome of one dbt invocation: `nodes` in the order dbt finished them."""

    args: list[str]
    success: bool
    nodes: list[DbtNodeResult] = field(default_factory=list)
    #: dbt's own `dbtRunnerResult`, for anything this summary leaves out
    dbt_result: Any = None

    @property
    def failed_nodes(self) -> list[DbtNodeResult]:
        return [node for node in self.nodes if node.failed]

    @property
    def skipped_nodes(self) -> list[DbtNodeResult]:
        return [node for node in self.nodes if node.skipped]

    def node(self, name: str) -> DbtNodeResult:
        """The node with this unique id, or the only node with this name."""
        for node in self.nodes:
            if node.unique_id == name:
                return node
        matches = [node for node in self.nodes if node.name == name]
        if len(matches) == 1:
            return matches[0]
        found = "several nodes" if matches else "no node"
        raise KeyError(f"{found} named {name!r} in this dbt result")

    def summary(self) -> str:
        """A markdown table of the nodes, for logs and notifications."""
        lines = [
            f"dbt {' '.join(self.args)}: {'succeeded' if self.success else 'failed'}",
            "",
            "| node | type | status | time (s) | rows | message |",
            "|---|---|---|---|---|---|",
        ]
        for node in self.nodes:
            rows = "" if node.rows_affected is None else str(node.rows_affected)
            message = (node.message or "").splitlines()[0] if node.message else ""
            lines.append(
                f"| {node.name} | {node.resource_type} | {node.status} | "
                f"{node.execution_time:.2f} | {rows} | {message} |"
            )
        return "\n".join(lines)


class DbtCommandFailed(RuntimeError):
    """dbt could not run the command, or nodes failed; `result` holds what is known."""

    def __init__(self, message: str, result: DbtCommandResult | None = None) -> None:
        super().__init__(message)
        self.result = result
