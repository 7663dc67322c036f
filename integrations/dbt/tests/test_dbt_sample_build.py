"""The sample dbt-duckdb project built for real, in one flow: seed, run, test and
snapshot pass; each node is a task run with its state and logs; the results describe
every node; the profile comes from a DbtCliProfile block.

One flow run serves all the checks below (dbt costs seconds per command), and it lives in
a single test so that pytest-xdist never builds it twice.
"""

from __future__ import annotations

from headrace import flow
from headrace.store.runs import list_logs, list_task_runs
from headrace_dbt import (
    DbtCommandResult,
    run_dbt_model,
    run_dbt_seed,
    run_dbt_snapshot,
    run_dbt_test,
)

SEEDS = {"seed.headrace_sample.raw_customers", "seed.headrace_sample.raw_orders"}
MODELS = {
    "model.headrace_sample.stg_customers",
    "model.headrace_sample.stg_orders",
    "model.headrace_sample.customer_totals",
}


def test_sample_project_builds_with_a_task_run_per_node(
    headrace_dbt_project, headrace_harness
) -> None:
    @flow
    def build_sample() -> dict[str, DbtCommandResult]:
        # the block's profile goes to a temporary profiles.yml for each command
        options = {
            "project_dir": headrace_dbt_project.project_dir,
            "dbt_cli_profile": headrace_dbt_project.profile,
        }
        return {
            "seed": run_dbt_seed(**options),
            "run": run_dbt_model(**options),
            "test": run_dbt_test(**options),
            "snapshot": run_dbt_snapshot(**options),
        }

    state = build_sample(return_state=True)
    assert state.is_completed(), state.message
    results = state.result()
    flow_run_id = state.state_details.flow_run_id
    runs = {run["name"]: run for run in list_task_runs(flow_run_id)}
    logs = list_logs(flow_run_id)

    _check_commands(results)
    _check_node_results(results)
    _check_node_task_runs(results, runs)
    _check_logs(runs, logs)
    _check_warehouse(headrace_dbt_project)


def _check_commands(results: dict[str, DbtCommandResult]) -> None:
    assert all(result.success for result in results.values())
    assert {node.unique_id for node in results["seed"].nodes} == SEEDS
    assert {node.unique_id for node in results["run"].nodes} == MODELS
    assert {node.status for node in results["test"].nodes} == {"pass"}
    assert len(results["test"].nodes) == 4
    assert [node.name for node in results["snapshot"].nodes] == ["orders_snapshot"]
    summary = results["run"].summary()
    assert summary.startswith("dbt run")
    for name in ("stg_customers", "stg_orders", "customer_totals"):
        assert f"| {name} | model | success |" in summary


def _check_node_results(results: dict[str, DbtCommandResult]) -> None:
    seeds = results["seed"]
    orders = seeds.node("raw_orders")
    assert (orders.resource_type, orders.status, orders.rows_affected) == ("seed", "success", 4)
    assert seeds.node("seed.headrace_sample.raw_customers").rows_affected == 3
    model = results["run"].node("customer_totals")
    assert model.resource_type == "model" and model.status == "success"
    assert model.started_at is not None and model.completed_at is not None
    assert model.started_at <= model.completed_at
    assert model.execution_time > 0
    assert model.relation_name and "customer_totals" in model.relation_name
    test = results["test"].node("assert_amounts_below_limit")
    assert (test.resource_type, test.failures) == ("test", 0)
    assert not any(node.failed or node.skipped for node in seeds.nodes)


def _check_node_task_runs(results: dict[str, DbtCommandResult], runs: dict[str, dict]) -> None:
    nodes = [node for result in results.values() for node in result.nodes]
    assert len(nodes) == 10
    for node in nodes:
        run = runs[node.unique_id]
        assert run["id"] == node.task_run_id
        assert run["state_name"] == "Completed"
        assert run["task_name"] == f"dbt {node.resource_type}"
        assert run["start_time"] <= run["end_time"]
    commands = {name for name in runs if name.startswith("run_dbt")}
    assert commands == {"run_dbt_seed-0", "run_dbt_model-0", "run_dbt_test-0", "run_dbt_snapshot-0"}


def _check_logs(runs: dict[str, dict], logs: list[dict]) -> None:
    node_run = runs["model.headrace_sample.stg_orders"]["id"]
    lines = [log["message"] for log in logs if log["task_run_id"] == node_run]
    assert any("START sql table model main.stg_orders" in line for line in lines)
    assert any("OK created sql table model main.stg_orders" in line for line in lines)
    assert not any("\x1b[" in line for line in lines)  # colour codes are stripped
    command_run = runs["run_dbt_model-0"]["id"]
    command_lines = [log["message"] for log in logs if log["task_run_id"] == command_run]
    assert any(line.startswith("Running with dbt=1.11") for line in command_lines)


def _check_warehouse(project) -> None:
    rows = project.query(
        "select name, order_count, total_amount from customer_totals order by customer_id"
    )
    assert rows == [("Ada", 2, 65.5), ("Grace", 1, 12.0), ("Linus", 1, 99.9)]
    assert project.query("select count(*) from orders_snapshot") == [(4,)]
