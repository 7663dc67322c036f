"""The portfolio flow, tested with headrace's fixtures."""

from __future__ import annotations

import datetime

import httpx
import pytest
import respx
from rates_report.flows import fetch_rate, portfolio_value, supported_currencies

from headrace.testing import (
    FakeClock,
    FlowRunHistory,
    InstantSleep,
    RunLogCapture,
    TaskMocker,
    assert_completed,
    assert_failed,
    assert_task_order,
    assert_task_states,
)

HOLDINGS = {"USD": 125.0, "GBP": 80.0}


def test_values_a_portfolio(
    rates_api: respx.MockRouter, headrace_flow_runs: FlowRunHistory
) -> None:
    assert portfolio_value(HOLDINGS) == 200.0

    run = headrace_flow_runs.last(portfolio_value)
    assert_completed(run)
    assert run.parameters == {"holdings": HOLDINGS, "base": "EUR"}
    assert_task_order(run, ["supported_currencies", "fetch_rate", "fetch_rate", "convert"])
    assert rates_api.routes["USD"].calls.last.request.headers["authorization"] == (
        "Bearer test-token"
    )


def test_logs_the_total(rates_api: respx.MockRouter, headrace_run_logs: RunLogCapture) -> None:
    portfolio_value(HOLDINGS)
    assert "portfolio is worth 200.00 EUR" in headrace_run_logs.messages


def test_retries_a_flaky_rate_api(
    rates_api: respx.MockRouter,
    headrace_no_retry_delays: InstantSleep,
    headrace_flow_runs: FlowRunHistory,
) -> None:
    rates_api.routes["USD"].side_effect = [
        httpx.Response(503),
        httpx.Response(503),
        httpx.Response(200, json={"rate": 1.25}),
    ]
    assert portfolio_value({"USD": 125.0}) == 100.0
    assert headrace_no_retry_delays.delays == [2, 10]
    usd = headrace_flow_runs.last().task_run("fetch_rate-0")
    assert usd.run_count == 3


def test_gives_up_after_three_retries(
    rates_api: respx.MockRouter,
    headrace_no_retry_delays: InstantSleep,
    headrace_flow_runs: FlowRunHistory,
) -> None:
    rates_api.routes["GBP"].mock(return_value=httpx.Response(500))
    state = portfolio_value(HOLDINGS, return_state=True)
    assert_failed(state, httpx.HTTPStatusError, match="500 Internal Server Error")
    assert_task_states(
        headrace_flow_runs.last(), {"supported_currencies-0": "Completed", "fetch_rate-0": "Failed"}
    )
    assert headrace_no_retry_delays.total == 72


def test_currencies_are_cached_for_a_day(
    rates_api: respx.MockRouter, headrace_clock: FakeClock, headrace_mock_task: TaskMocker
) -> None:
    listing = headrace_mock_task.spy(supported_currencies)
    portfolio_value(HOLDINGS)
    headrace_clock.advance(datetime.timedelta(hours=23))
    portfolio_value(HOLDINGS)
    assert listing.call_count == 1
    headrace_clock.advance(datetime.timedelta(hours=2))
    portfolio_value(HOLDINGS)
    assert listing.call_count == 2


def test_missing_rate_without_the_api(
    headrace_blocks: object, headrace_mock_task: TaskMocker
) -> None:
    headrace_mock_task(supported_currencies, return_value=["USD"])
    rate = headrace_mock_task(fetch_rate, return_value=1.25)
    state = portfolio_value({"USD": 125.0, "CHF": 10.0}, return_state=True)
    assert_failed(state, KeyError, match="no rate for CHF")
    assert rate.calls == [{"base": "EUR", "currency": "USD"}]


@pytest.mark.headrace_block_network(assert_none_blocked=False)
def test_an_unrouted_call_names_the_request(headrace_blocks: object) -> None:
    state = portfolio_value(HOLDINGS, return_state=True)
    assert_failed(state, match="GET https://rates.example.com/v1/currencies")
