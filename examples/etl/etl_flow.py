"""A nightly ETL flow: S3 -> Snowflake -> dbt -> Slack.

Written as a Prefect 3 user would write it with prefect-aws, prefect-snowflake, prefect-dbt
and prefect-slack, with `prefect` replaced by `headrace`. Every service is named by a saved
block, so the same flow runs against real services or, in `run_etl.py`, local doubles.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from headrace import flow, get_run_logger, task
from headrace_aws import S3Bucket
from headrace_dbt import DbtCliProfile, run_dbt_build
from headrace_slack import SlackWebhook, notify_on_failure, send_incoming_webhook_message
from headrace_snowflake import SnowflakeConnector

TABLES = {
    "orders": ("order_id integer", "customer_id integer", "amount float"),
    "customers": ("customer_id integer", "name varchar"),
}


@task(retries=2, retry_delay_seconds=1)
def extract(bucket: S3Bucket, table: str) -> list[dict[str, str]]:
    """Read one landed CSV file from the raw bucket."""
    rows = list(csv.DictReader(io.StringIO(bucket.read_path(f"{table}.csv").decode())))
    get_run_logger().info("read %d %s rows from s3://%s", len(rows), table, bucket.bucket_name)
    return rows


@task
def load(warehouse: SnowflakeConnector, table: str, rows: list[dict[str, str]]) -> int:
    """Replace the warehouse's raw table with the extracted rows."""
    columns = TABLES[table]
    names = [column.split()[0] for column in columns]
    warehouse.execute(f"create or replace table raw_{table} ({', '.join(columns)})")
    placeholders = ", ".join(["%s"] * len(names))
    warehouse.execute_many(
        f"insert into raw_{table} ({', '.join(names)}) values ({placeholders})",
        [tuple(row[name] for name in names) for row in rows],
    )
    return len(rows)


@task
def stage_for_dbt(warehouse: SnowflakeConnector, table: str, project_dir: Path) -> Path:
    """Export a warehouse table as the dbt project's seed (the hand-off to dbt)."""
    names = [column.split()[0] for column in TABLES[table]]
    rows = warehouse.fetch_all(f"select {', '.join(names)} from raw_{table} order by 1")
    seed = project_dir / "seeds" / f"raw_{table}.csv"
    with seed.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows(rows)
    return seed


@task
def summarise(project_dir: Path) -> str:
    """The report line for Slack, read from the model dbt built."""
    import duckdb

    # dbt-duckdb ran in this process and may keep the file open: same settings, no read_only
    with duckdb.connect(str(project_dir / "warehouse.duckdb")) as db:
        rows = db.execute(
            "select name, order_count, total_amount from customer_totals order by 3 desc"
        ).fetchall()
    top = ", ".join(f"{name} {count} orders ({amount:.2f})" for name, count, amount in rows)
    return f"Nightly ETL done: {len(rows)} customers. {top}"


@flow(name="nightly-etl", on_failure=[notify_on_failure("etl-alerts")])
def nightly_etl(project_template: str, workdir: str) -> str:
    bucket = S3Bucket.load("raw-landing")
    warehouse = SnowflakeConnector.load("analytics")
    project_dir = Path(workdir) / "dbt_project"
    shutil.copytree(project_template, project_dir, dirs_exist_ok=True)

    loaded = {}
    for table in TABLES:
        loaded[table] = load(warehouse, table, extract(bucket, table))
        stage_for_dbt(warehouse, table, project_dir)
    result = run_dbt_build(
        project_dir=project_dir, dbt_cli_profile=DbtCliProfile.load("analytics-duckdb")
    )
    get_run_logger().info("dbt: %s", result.summary())
    message = summarise(project_dir)
    send_incoming_webhook_message(SlackWebhook.load("etl-alerts"), text=message)
    return message
