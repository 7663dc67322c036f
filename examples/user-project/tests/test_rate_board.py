"""The async dashboard flow."""

from __future__ import annotations

import respx
from rates_report.flows import rate_board

from headrace.testing import FlowRunHistory


async def test_fetches_all_rates_concurrently(
    rates_api: respx.MockRouter, headrace_flow_runs: FlowRunHistory
) -> None:
    assert await rate_board("EUR", ["USD", "JPY"]) == {"USD": 1.25, "JPY": 160.0}
    assert sorted(headrace_flow_runs.last().task_states.values()) == ["Completed", "Completed"]
