"""dbt failures fail the flow (unless the caller opts out), and show in the node runs.

Each test builds its own copy of the sample project with one dbt command."""

from __future__ import annotations

import pytest

from headrace import flow
from headrace.store.runs import get_flow_run, list_logs, list_task_runs
from headrace_dbt import (
    DbtCommandFailed,
    TargetConfigs,
    atrigger_dbt_cli_command,
    invoke_dbt,
    run_dbt_build,
    trigger_dbt_cli_command,
)

pytestmark = pytest.mark.usefixtures("headrace_harness")
#: the singular test and what it needs: seed raw_orders, model stg_orders
TESTED_ORDERS = "+assert_amounts_below_limit"


def _runs_by_name(state) -> dict[str, dict]:
    return {run["name"]: run for run in list_task_runs(state.state_details.flow_run_id)}


def test_failing_model_fails_the_flow_and_skips_downstream(headrace_dbt_project) -> None:
    @flow
    def build_orders():
        return run_dbt_build(
            vars={"fail_model": True}, stream_output=False, **headrace_dbt_project.dirs
        )

    state = build_orders(return_state=True)
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, DbtCommandFailed)
    assert "model.headrace_sample.stg_orders" in str(error)
    result = error.result
    assert [node.name for node in result.failed_nodes] == ["stg_orders"]
    assert "no_such_column" in result.node("stg_orders").message
    skipped = {node.unique_id for node in result.skipped_nodes}
    assert "model.headrace_sample.customer_totals" in skipped
    assert "snapshot.headrace_sample.orders_snapshot" in skipped

    runs = _runs_by_name(state)
    failed = runs["model.headrace_sample.stg_orders"]
    assert failed["state_type"] == "FAILED"
    assert "no_such_column" in failed["state_message"]
    for unique_id in skipped:
        assert (runs[unique_id]["state_type"], runs[unique_id]["state_name"]) == (
            "COMPLETED",
            "Skipped",
        )
        assert runs[unique_id]["state_message"].startswith("skipped by dbt")
    assert runs["run_dbt_build-0"]["state_type"] == "FAILED"
    error_lines = [
        log["message"]
        for log in list_logs(state.state_details.flow_run_id)
        if log["task_run_id"] == failed["id"] and log["level"] >= 40
    ]
    assert any("ERROR creating sql table model main.stg_orders" in line for line in error_lines)
    # stream_output=False: dbt's info lines (START, OK, ...) are left out of the logs
    messages = [log["message"] for log in list_logs(state.state_details.flow_run_id)]
    assert not any(" START " in line or "Running with dbt" in line for line in messages)


@pytest.mark.asyncio
async def test_failing_test_fails_the_async_flow(headrace_dbt_project) -> None:
    @flow
    async def check_amounts():
        await atrigger_dbt_cli_command(
            "build", select=TESTED_ORDERS, vars={"fail_test": True}, **headrace_dbt_project.dirs
        )

    state = await check_amounts(return_state=True)
    assert state.is_failed()
    error = await state.result(raise_on_failure=False)  # awaitable in async code (Prefect 3)
    node = error.result.node("assert_amounts_below_limit")
    assert (node.status, node.failures) == ("fail", 4)
    run = _runs_by_name(state)["test.headrace_sample.assert_amounts_below_limit"]
    assert run["state_type"] == "FAILED"
    assert "fail" in run["state_message"]


def test_opting_out_returns_the_failures(headrace_dbt_project) -> None:
    project = headrace_dbt_project
    secret_path = str(project.database)
    profile = project.profile.model_copy(
        update={
            "target_configs": TargetConfigs(
                type="duckdb", schema="main", threads=1, secrets={"path": secret_path}
            )
        }
    )

    @flow
    def check_amounts(profile):
        return trigger_dbt_cli_command(
            "dbt build",
            project_dir=project.project_dir,
            dbt_cli_profile=profile,
            select=TESTED_ORDERS,
            vars={"fail_test": True},
            raise_on_failure=False,
            create_summary_artifact=True,
        )

    state = check_amounts(profile, return_state=True)
    assert state.is_completed()
    result = state.result()
    assert not result.success
    statuses = {node.name: node.status for node in result.nodes}
    assert statuses["stg_orders"] == "success"
    assert statuses["assert_amounts_below_limit"] == "fail"
    assert [node.name for node in result.failed_nodes] == ["assert_amounts_below_limit"]
    run = _runs_by_name(state)["test.headrace_sample.assert_amounts_below_limit"]
    assert run["state_type"] == "FAILED"  # the node still failed; the flow chose to go on
    messages = [log["message"] for log in list_logs(state.state_details.flow_run_id)]
    assert any(line.startswith("dbt-cli-command-summary:\ndbt build") for line in messages)
    # the secret reached dbt (it found the warehouse) but no log line or run record
    assert not any(secret_path in line for line in messages)
    assert secret_path not in str(get_flow_run(state.state_details.flow_run_id))


def test_a_command_dbt_cannot_run_always_raises(tmp_path) -> None:
    with pytest.raises(DbtCommandFailed, match="dbt parse could not run|dbt parse failed"):
        invoke_dbt("parse", project_dir=tmp_path, raise_on_failure=False)


def test_outside_a_flow_node_task_runs_can_be_switched_off(headrace_dbt_project) -> None:
    result = invoke_dbt("seed", nodes_as_task_runs=False, **headrace_dbt_project.dirs)
    assert {node.name: node.rows_affected for node in result.nodes} == {
        "raw_customers": 3,
        "raw_orders": 4,
    }
    assert all(node.task_run_id is None for node in result.nodes)
    assert list_task_runs() == []
