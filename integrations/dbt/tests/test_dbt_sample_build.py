"""The sample dbt-duckdb project built for real: seed, run, test and snapshot pass, each
node is a task run with its state and logs, and the results describe every node."""

from __future__ import annotations

SEEDS = {"seed.headrace_sample.raw_customers", "seed.headrace_sample.raw_orders"}
MODELS = {
    "model.headrace_sample.stg_customers",
    "model.headrace_sample.stg_orders",
    "model.headrace_sample.customer_totals",
}


def test_seed_run_test_and_snapshot_pass(dbt_built_sample) -> None:
    assert dbt_built_sample.state.is_completed()
    results = dbt_built_sample.results
    assert all(result.success for result in results.values())
    assert {node.unique_id for node in results["seed"].nodes} == SEEDS
    assert {node.unique_id for node in results["run"].nodes} == MODELS
    assert {node.status for node in results["test"].nodes} == {"pass"}
    assert len(results["test"].nodes) == 4
    assert [node.name for node in results["snapshot"].nodes] == ["orders_snapshot"]


def test_results_describe_each_node(dbt_built_sample) -> None:
    seeds = dbt_built_sample.results["seed"]
    orders = seeds.node("raw_orders")
    assert (orders.resource_type, orders.status, orders.rows_affected) == ("seed", "success", 4)
    assert seeds.node("seed.headrace_sample.raw_customers").rows_affected == 3
    model = dbt_built_sample.results["run"].node("customer_totals")
    assert model.resource_type == "model" and model.status == "success"
    assert model.started_at is not None and model.completed_at is not None
    assert model.started_at <= model.completed_at
    assert model.execution_time > 0
    assert model.relation_name and "customer_totals" in model.relation_name
    test = dbt_built_sample.results["test"].node("assert_amounts_below_limit")
    assert (test.resource_type, test.failures) == ("test", 0)
    assert not any(node.failed or node.skipped for node in seeds.nodes)


def test_summary_lists_every_node(dbt_built_sample) -> None:
    summary = dbt_built_sample.results["run"].summary()
    assert summary.startswith("dbt run")
    for name in ("stg_customers", "stg_orders", "customer_totals"):
        assert f"| {name} | model | success |" in summary


def test_each_node_is_a_completed_task_run(dbt_built_sample) -> None:
    nodes = [node for result in dbt_built_sample.results.values() for node in result.nodes]
    assert len(nodes) == 10
    for node in nodes:
        run = dbt_built_sample.task_run(node.unique_id)
        assert run["id"] == node.task_run_id
        assert run["state_name"] == "Completed"
        assert run["task_name"] == f"dbt {node.resource_type}"
        assert run["start_time"] <= run["end_time"]
    commands = {run["name"] for run in dbt_built_sample.task_runs if run["name"].startswith("run_")}
    assert commands == {"run_dbt_seed-0", "run_dbt_model-0", "run_dbt_test-0", "run_dbt_snapshot-0"}


def test_node_logs_belong_to_the_node_task_run(dbt_built_sample) -> None:
    run = dbt_built_sample.task_run("model.headrace_sample.stg_orders")
    lines = [log["message"] for log in dbt_built_sample.logs if log["task_run_id"] == run["id"]]
    assert any("START sql table model main.stg_orders" in line for line in lines)
    assert any("OK created sql table model main.stg_orders" in line for line in lines)
    assert not any("\x1b[" in line for line in lines)  # colour codes are stripped
    command_runs = {r["id"] for r in dbt_built_sample.task_runs if r["name"] == "run_dbt_model-0"}
    command_lines = [
        log["message"] for log in dbt_built_sample.logs if log["task_run_id"] in command_runs
    ]
    assert any(line.startswith("Running with dbt=1.11") for line in command_lines)


def test_the_warehouse_holds_what_dbt_built(dbt_built_sample) -> None:
    rows = dbt_built_sample.project.query(
        "select name, order_count, total_amount from customer_totals order by customer_id"
    )
    assert rows == [("Ada", 2, 65.5), ("Grace", 1, 12.0), ("Linus", 1, 99.9)]
    assert dbt_built_sample.project.query("select count(*) from orders_snapshot") == [(4,)]
