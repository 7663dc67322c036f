"""headrace_flow_runs, the harness fixtures and the assertion helpers, as a user's suite
sees them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

FLOWS = """
from headrace import flow, task, get_run_logger


@task
def extract(n: int) -> list[int]:
    return list(range(n))


@task
def transform(rows: list[int]) -> list[int]:
    if not rows:
        raise ValueError("nothing to transform")
    return [row * 10 for row in rows]


@task
def load(rows: list[int]) -> int:
    get_run_logger().info("loaded %d rows", len(rows))
    return len(rows)


@flow
def etl(n: int = 3) -> int:
    return load(transform(extract(n)))


@flow
def nightly(days: int) -> int:
    return sum(etl(n) for n in range(1, days + 1))
"""


def test_last_run_task_states_parameters_and_logs(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(flows=FLOWS)
    user_project.makepyfile(
        """
        from flows import etl
        from headrace.testing.assertions import assert_completed, assert_task_order

        def test_etl(headrace_flow_runs):
            assert etl(4) == 4
            run = headrace_flow_runs.last(etl)
            assert_completed(run)
            assert run.parameters == {"n": 4}
            assert_task_order(run, ["extract", "transform", "load"])
            assert run.task_states == {
                "extract-0": "Completed", "transform-0": "Completed", "load-0": "Completed"
            }
            assert "loaded 4 rows" in run.logs
            assert run.task_run("load").state_names == ["Running", "Completed"]

        def test_each_test_starts_empty(headrace_flow_runs):
            assert len(headrace_flow_runs) == 0

        def test_subflows(headrace_flow_runs):
            from flows import nightly

            assert nightly(2) == 3
            parent = headrace_flow_runs.last(nightly)
            assert [run.parameters for run in parent.subflow_runs] == [{"n": 1}, {"n": 2}]
            assert [run.flow_name for run in headrace_flow_runs.all()] == ["nightly", "etl", "etl"]
            assert len(headrace_flow_runs.task_runs()) == 6
        """
    )
    user_project.runpytest().assert_outcomes(passed=3)


def test_failed_run_and_helpers_print_what_happened(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(flows=FLOWS)
    user_project.makepyfile(
        """
        from flows import etl
        from headrace.testing.assertions import assert_failed, assert_task_order

        def test_fails_as_expected(headrace_flow_runs):
            state = etl(0, return_state=True)
            assert_failed(state, ValueError, match="nothing to")
            run = headrace_flow_runs.last("etl")
            assert_failed(run.task_run("transform"), ValueError)
            assert run.task_names == ["extract", "transform"]

        def test_wrong_order(headrace_flow_runs):
            etl(2)
            assert_task_order(headrace_flow_runs.last(), ["extract", "load", "transform"])

        def test_wrong_exception():
            assert_failed(etl(0, return_state=True), KeyError)
        """
    )
    result = user_project.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*ran tasks in a different order:*",
            "*--- expected*",
            "*+++ actual*",
            "*+transform",
            "*-transform",
            "*expected the run to fail with KeyError, got ValueError: nothing to transform*",
        ]
    )


def test_last_without_runs_names_the_flows_that_ran(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(flows=FLOWS)
    user_project.makepyfile(
        """
        from flows import etl

        def test_missing(headrace_flow_runs):
            etl(1)
            headrace_flow_runs.last("reporting")
        """
    )
    result = user_project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no flow run of flow 'reporting' was recorded*['etl']*"])


def test_unfinished_runs_fail_at_teardown_unless_switched_off(
    user_project: pytest.Pytester,
) -> None:
    user_project.makepyfile(
        """
        import pytest
        from headrace.run_records import FlowRun
        from headrace.states import Running
        from headrace.store import get_store
        from headrace.store.runs import record_flow_run

        def leave_running():
            run = FlowRun("stuck", {})
            run.name = "stuck-run"
            run.state = Running()
            record_flow_run(get_store(), run)

        def test_checked(headrace_flow_runs):
            leave_running()

        @pytest.mark.headrace_flow_runs(assert_all_finished=False)
        def test_unchecked(headrace_flow_runs):
            leave_running()
        """
    )
    result = user_project.runpytest()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*headrace_flow_runs: runs still unfinished when the test ended: 'stuck-run' (Running)*"]
    )


def test_harness_marker_ini_option_and_session_scope(
    user_project: pytest.Pytester, write_ini: Callable[..., None]
) -> None:
    write_ini("headrace_harness = session")
    user_project.makepyfile(flows=FLOWS)
    user_project.makepyfile(
        """
        import pytest
        from flows import etl
        from headrace.store import get_store
        from headrace.store.runs import list_flow_runs

        def test_first():
            etl(1)
            assert len(list_flow_runs()) == 1

        def test_shares_the_session_store():
            assert len(list_flow_runs()) == 1

        @pytest.mark.headrace_harness(database=":memory:")
        def test_marker_gives_a_fresh_in_memory_store():
            assert get_store().location == ":memory:"
            assert list_flow_runs() == []
        """
    )
    user_project.runpytest().assert_outcomes(passed=3)


def test_module_scoped_harness_is_shared_within_a_module(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(flows=FLOWS)
    test_file = """
        import pytest
        from flows import etl
        from headrace.store.runs import list_flow_runs

        pytestmark = pytest.mark.usefixtures("headrace_harness_module")

        def test_first():
            etl(1)

        def test_second_sees_the_first():
            assert len(list_flow_runs()) == 1
        """
    user_project.makepyfile(test_one=test_file, test_two=test_file)
    user_project.runpytest().assert_outcomes(passed=4)


def test_bad_ini_value_and_marker_arguments_are_reported(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(
        """
        import pytest

        @pytest.mark.headrace_clock(begin="2024-01-01")
        def test_typo(headrace_clock):
            pass
        """
    )
    result = user_project.runpytest()
    result.stdout.fnmatch_lines(["*@pytest.mark.headrace_clock got begin; it accepts start*"])
    result = user_project.runpytest("-o", "headrace_harness=always")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*headrace_harness = 'always': use off, function, module*"])


def test_markers_are_declared(user_project: pytest.Pytester) -> None:
    result = user_project.runpytest("--markers")
    for name in (
        "headrace_harness",
        "headrace_flow_runs",
        "headrace_blocks",
        "headrace_mock_task",
        "headrace_block_network",
    ):
        result.stdout.fnmatch_lines([f"@pytest.mark.{name}*"])
    strict = user_project.makepyfile(
        """
        import pytest

        @pytest.mark.headrace_no_retry_delays
        def test_marked():
            pass
        """
    )
    user_project.runpytest("--strict-markers", strict).assert_outcomes(passed=1)


def test_prefect_style_session_fixture_and_async_tests(user_project: pytest.Pytester) -> None:
    user_project.makeconftest(
        """
        import pytest
        from headrace.testing.utilities import prefect_test_harness

        @pytest.fixture(autouse=True, scope="session")
        def prefect_test_fixture():
            with prefect_test_harness():
                yield
        """
    )
    user_project.makepyfile(
        """
        import asyncio
        import pytest
        from headrace import flow, task

        @task
        async def double(x: int) -> int:
            return x * 2

        @flow
        async def doubles(xs: list[int]) -> list[int]:
            return list(await asyncio.gather(*(double(x) for x in xs)))

        async def test_asyncio(headrace_flow_runs):
            assert await doubles([1, 2]) == [2, 4]
            assert headrace_flow_runs.last().task_names == ["double", "double"]

        @pytest.mark.anyio
        async def test_anyio():
            assert await doubles([3]) == [6]

        @pytest.fixture
        def anyio_backend():
            return "asyncio"
        """
    )
    user_project.runpytest().assert_outcomes(passed=2)


def test_per_worker_isolation_under_xdist(user_project: pytest.Pytester) -> None:
    user_project.makepyfile(flows=FLOWS)
    user_project.makepyfile(
        """
        import os
        import pytest
        from flows import etl

        @pytest.mark.parametrize("n", range(8))
        def test_runs_are_private(headrace_flow_runs, headrace_harness, n):
            assert etl(n + 1) == n + 1
            assert [run.parameters for run in headrace_flow_runs] == [{"n": n + 1}]
            assert os.environ["HEADRACE_HOME"] == str(headrace_harness.home)
        """
    )
    result = user_project.runpytest_subprocess("-n", "2")
    result.assert_outcomes(passed=8)
