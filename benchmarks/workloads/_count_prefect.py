"""Count a flow run's task runs through the Prefect API, paging through read_task_runs."""

from __future__ import annotations

import time
import uuid

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

PAGE = 200


def count_task_runs(flow_run_id: str) -> int:
    flow_runs = FlowRunFilter(id=FlowRunFilterId(any_=[uuid.UUID(flow_run_id)]))
    total = 0
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_task_runs(flow_run_filter=flow_runs, limit=PAGE, offset=total)
            total += len(page)
            if len(page) < PAGE:
                return total


def settled_count(flow_run_id: str, expected: int, limit_s: float = 120) -> tuple[int, float]:
    """The server records task runs from events after the flow returns: wait until the
    count reaches `expected` or has not moved for 10 s."""
    started = time.monotonic()
    last, unchanged_since = -1, time.monotonic()
    while True:
        count = count_task_runs(flow_run_id)
        waited = time.monotonic() - started
        if count != last:
            last, unchanged_since = count, time.monotonic()
        if count >= expected or time.monotonic() - unchanged_since > 10 or waited > limit_s:
            return count, waited
        time.sleep(2)
