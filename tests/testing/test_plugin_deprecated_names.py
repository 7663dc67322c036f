"""The unprefixed fixture and marker names (`clock`, `flow_runs`, ...) as deprecated
aliases: they still work, warn, and never shadow a suite's own fixture of that name."""

from __future__ import annotations

import pytest

from headrace.testing.pytest_plugin import DEPRECATED_NAMES


def test_old_fixture_names_work_and_warn(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(
        """
        import datetime
        import logging

        import httpx
        import pytest
        from headrace import flow, task
        from headrace.blocks.system import Secret
        from headrace.testing import RealNetworkBlocked

        @task(retries=1, retry_delay_seconds=30)
        def flaky(state={"calls": 0}):
            state["calls"] += 1
            if state["calls"] == 1:
                raise ValueError("first call fails")
            return "ok"

        @task
        def fetch():
            return "real"

        @flow
        def pipeline():
            logging.getLogger("headrace.flow_runs").info("running")
            return flaky(), fetch()

        def test_all_old_names(
            flow_runs, blocks, no_retry_delays, mock_task, clock, run_logs, block_network
        ):
            blocks.add("token", Secret(value="s3cret"))
            mock_task(fetch, return_value="mocked")
            start = clock.now()
            assert pipeline() == ("ok", "mocked")
            assert no_retry_delays.delays == [30]
            assert clock.now() - start == datetime.timedelta(seconds=30)
            assert flow_runs.last(pipeline).state_name == "Completed"
            assert "running" in run_logs.messages
            assert Secret.load("token").get() == "s3cret"
            with pytest.raises(RealNetworkBlocked):
                httpx.get("https://unrouted.example.com/")
            block_network.blocked.clear()
        """
    )
    result = user_project.runpytest("-W", "always::DeprecationWarning")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            f"*DeprecationWarning: the {old!r} fixture is deprecated and goes in headrace 0.3: "
            f"use {new!r}*"
            for old, new in DEPRECATED_NAMES.items()
        ],
        consecutive=False,
    )


def test_old_markers_are_honoured_and_warn(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(
        """
        import pytest
        from headrace.run_records import FlowRun
        from headrace.states import Running
        from headrace.store import get_store
        from headrace.store.runs import record_flow_run

        @pytest.mark.clock(start="2030-05-01T00:00:00+00:00")
        def test_start(headrace_clock):
            assert headrace_clock.now().year == 2030

        @pytest.mark.flow_runs(assert_all_finished=False)
        def test_unchecked(headrace_flow_runs):
            run = FlowRun("stuck", {})
            run.state = Running()
            record_flow_run(get_store(), run)

        @pytest.mark.no_retry_delays
        def test_marker_alone_applies_the_fixture(request):
            assert "headrace_no_retry_delays" in request.fixturenames
        """
    )
    result = user_project.runpytest("--strict-markers", "-W", "always::DeprecationWarning")
    result.assert_outcomes(passed=3)
    for old in ("clock", "flow_runs", "no_retry_delays"):
        result.stdout.fnmatch_lines([f"*the {old!r} marker is deprecated*"])


def test_a_suites_own_fixture_of_an_old_name_wins_without_warning(
    user_project: pytest.Pytester,
) -> None:
    user_project.makeconftest(
        """
        import pytest

        @pytest.fixture
        def clock():
            return "the suite's own clock"
        """
    )
    user_project.makepyfile(
        """
        def test_both(clock, headrace_clock):
            assert clock == "the suite's own clock"
            assert headrace_clock.now().tzinfo is not None
        """
    )
    result = user_project.runpytest("-W", "error::DeprecationWarning")
    result.assert_outcomes(passed=1)


def test_old_markers_are_declared_as_deprecated(user_project: pytest.Pytester) -> None:
    result = user_project.runpytest("--markers")
    for old, new in DEPRECATED_NAMES.items():
        result.stdout.fnmatch_lines([f"@pytest.mark.{old}: deprecated alias of {new}*"])
        result.stdout.fnmatch_lines([f"@pytest.mark.{new}*"])
