"""headrace_mock_task, headrace_no_retry_delays, headrace_clock and headrace_run_logs in
real user test files."""

from __future__ import annotations

import pytest

FLOWS = """
import datetime
from headrace import flow, task, get_run_logger
from headrace.cache_policies import INPUTS


@task
def fetch_price(symbol: str) -> float:
    raise RuntimeError("the real API must not be called in tests")


@task
async def fetch_volume(symbol: str) -> int:
    raise RuntimeError("the real API must not be called in tests")


@task(retries=3, retry_delay_seconds=[10, 60, 600])
def flaky(attempts: list[int]) -> str:
    attempts.append(1)
    if len(attempts) < 3:
        raise ConnectionError(f"attempt {len(attempts)} failed")
    return "ok"


@task(cache_policy=INPUTS, cache_expiration=datetime.timedelta(hours=1))
def expensive(x: int) -> int:
    return x * 100


@flow
def quote(symbol: str) -> float:
    get_run_logger().info("quoting %s", symbol)
    return fetch_price(symbol) * 2


@flow
def fan_out(symbols: list[str]) -> list[float]:
    return [future.result() for future in fetch_price.map(symbols)]


@flow
async def volume(symbol: str) -> int:
    return await fetch_volume(symbol)


@flow
def retrying(attempts: list[int]) -> str:
    return flaky(attempts)


@flow
def cached(x: int) -> int:
    return expensive(x)
"""


def test_mock_task_return_value_side_effect_calls_and_async(
    user_project: pytest.Pytester,
) -> None:
    user_project.makepyfile(flows=FLOWS)
    user_project.makepyfile(
        """
        import pytest
        from flows import fan_out, fetch_price, fetch_volume, quote, volume
        from headrace.testing.assertions import assert_failed

        def test_return_value(headrace_mock_task, headrace_flow_runs):
            price = headrace_mock_task(fetch_price, return_value=21.0)
            assert quote("ACME") == 42.0
            assert price.calls == [{"symbol": "ACME"}]
            price.mock.assert_called_once_with("ACME")
            assert headrace_flow_runs.last().task_states == {"fetch_price-0": "Completed"}

        def test_side_effect_exception(headrace_mock_task):
            headrace_mock_task(fetch_price, side_effect=TimeoutError("upstream slow"))
            assert_failed(quote("ACME", return_state=True), TimeoutError, match="slow")

        def test_side_effect_sequence(headrace_mock_task):
            price = headrace_mock_task(fetch_price, side_effect=[1.0, 2.0])
            assert [quote("A"), quote("B")] == [2.0, 4.0]
            assert price.call_count == 2

        def test_mapped_calls_from_worker_threads(headrace_mock_task, headrace_flow_runs):
            price = headrace_mock_task(fetch_price, side_effect=lambda symbol: float(len(symbol)))
            assert fan_out(["A", "BB", "CCC"]) == [1.0, 2.0, 3.0]
            assert sorted(call["symbol"] for call in price.calls) == ["A", "BB", "CCC"]
            assert len(headrace_flow_runs.last().task_runs) == 3

        async def test_async_task(headrace_mock_task):
            headrace_mock_task(fetch_volume, return_value=7)
            assert await volume("ACME") == 7

        def test_spy_keeps_behaviour(headrace_mock_task):
            spy = headrace_mock_task.spy(fetch_price)
            with pytest.raises(RuntimeError, match="real API"):
                quote("ACME")
            assert spy.calls == [{"symbol": "ACME"}]

        def test_the_real_function_is_back():
            with pytest.raises(RuntimeError, match="real API"):
                fetch_price.fn("ACME")
        """
    )
    user_project.runpytest().assert_outcomes(passed=7)


def test_an_uncalled_mock_fails_at_teardown_unless_switched_off(
    user_project: pytest.Pytester,
) -> None:
    user_project.makepyfile(flows=FLOWS)
    user_project.makepyfile(
        """
        import pytest
        from flows import fetch_price

        def test_forgotten(headrace_mock_task):
            headrace_mock_task(fetch_price, return_value=1.0)

        @pytest.mark.headrace_mock_task(assert_all_called=False)
        def test_allowed(headrace_mock_task):
            headrace_mock_task(fetch_price, return_value=1.0)

        def test_not_a_task(headrace_mock_task):
            with pytest.raises(TypeError, match="replaces a @task"):
                headrace_mock_task(print)
        """
    )
    result = user_project.runpytest()
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_forgotten*",
            "*headrace_mock_task: mocked task(s) never called: 'fetch_price'*"
            "assert_all_called=False*",
        ]
    )


def test_no_retry_delays_and_the_clock(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(flows=FLOWS)
    user_project.makepyfile(
        """
        import datetime
        import pytest
        from flows import cached, expensive, retrying

        def test_retries_without_waiting(headrace_no_retry_delays, headrace_flow_runs):
            attempts = []
            assert retrying(attempts) == "ok"
            assert headrace_no_retry_delays.delays == [10, 60]
            assert headrace_flow_runs.last().task_run("flaky").state_names == [
                "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed"
            ]

        @pytest.mark.headrace_no_retry_delays
        def test_marker_alone_applies_it():
            assert retrying([]) == "ok"

        @pytest.mark.headrace_clock(start="2030-01-01T00:00:00+00:00")
        def test_cache_expiry(headrace_clock, headrace_flow_runs, headrace_mock_task):
            computed = headrace_mock_task.spy(expensive)
            assert headrace_clock.now().year == 2030
            assert cached(2) == 200
            headrace_clock.advance(datetime.timedelta(minutes=59))
            assert cached(2) == 200
            assert computed.call_count == 1
            assert headrace_flow_runs.last().task_states == {"expensive-0": "Cached"}
            headrace_clock.advance(120)
            cached(2)
            assert computed.call_count == 2

        @pytest.mark.headrace_clock(start="2030-03-01T08:30:00+00:00")
        def test_schedules_read_the_fake_clock(headrace_clock):
            from headrace.schedules import Cron

            daily = Cron("0 9 * * *")
            assert [d.isoformat() for d in daily.get_dates(1)] == ["2030-03-01T09:00:00+00:00"]
            headrace_clock.advance(datetime.timedelta(hours=1))
            assert [d.day for d in daily.get_dates(1)] == [2]

        def test_retry_delays_advance_the_clock(headrace_clock):
            start = headrace_clock.time()
            retrying([])
            assert headrace_clock.time() - start == 70
        """
    )
    result = user_project.runpytest("--durations=0", "-vv")
    result.assert_outcomes(passed=5)
    # no test waited for its retry delays (they add up to 140 s)
    result.stdout.no_fnmatch_line("*[1-9].[0-9][0-9]s call*")


def test_run_logs(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(flows=FLOWS)
    user_project.makepyfile(
        """
        import logging
        import pytest
        from flows import fetch_price, quote

        def test_messages(headrace_run_logs, headrace_mock_task):
            headrace_mock_task(fetch_price, return_value=1.0)
            quote("ACME")
            assert "quoting ACME" in headrace_run_logs.messages
            record = ("headrace.flow_runs", logging.INFO, "quoting ACME")
            assert record in headrace_run_logs.record_tuples
            assert "Flow run" in headrace_run_logs.text

        @pytest.mark.headrace_run_logs(level="DEBUG")
        def test_debug_level(headrace_run_logs, headrace_mock_task):
            headrace_mock_task(fetch_price, return_value=1.0)
            quote("ACME")
            assert headrace_run_logs.for_task("fetch_price") == ["Finished in state Completed()"]

        def test_failed_task_logs(headrace_run_logs, headrace_mock_task):
            headrace_mock_task(fetch_price, side_effect=ValueError("bad symbol"))
            state = quote("ACME", return_state=True)
            flow_run_id = state.state_details.flow_run_id
            errors = [r for r in headrace_run_logs.records if r.levelno >= logging.ERROR]
            assert any("bad symbol" in r.getMessage() for r in errors)
            assert any("quoting" in m for m in headrace_run_logs.for_flow_run(flow_run_id))
            headrace_run_logs.clear()
            assert headrace_run_logs.records == []
        """
    )
    user_project.runpytest().assert_outcomes(passed=3)
