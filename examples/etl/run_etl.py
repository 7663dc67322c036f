"""Run the nightly ETL flow end to end against local doubles, with one command:

    .venv/bin/python examples/etl/run_etl.py

S3 is moto's server, Snowflake is fakesnow's server (the real Snowflake connector talks
to it), Slack is headrace-slack's fake Web API/webhook server, and dbt is dbt-core with
dbt-duckdb (dbt's Snowflake adapter cannot talk to fakesnow, so the transform step builds
the sample project into a DuckDB file). Everything listens on 127.0.0.1; nothing leaves
the machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def save_blocks(s3_endpoint: str, snowflake: dict, slack_webhook_url: str, workdir: Path) -> None:
    from headrace_aws import AwsClientParameters, AwsCredentials, S3Bucket
    from headrace_dbt import DbtCliProfile, DuckDBTargetConfigs
    from headrace_slack import SlackWebhook
    from headrace_snowflake import SnowflakeConnector, SnowflakeCredentials

    credentials = AwsCredentials(
        aws_access_key_id="local-example-key",
        aws_secret_access_key="local-example-secret",
        region_name="us-east-1",
        aws_client_parameters=AwsClientParameters(endpoint_url=s3_endpoint),
    )
    S3Bucket(bucket_name="raw-landing", credentials=credentials).save("raw-landing")

    server = dict(snowflake)
    fields = {name: server.pop(name) for name in ("account", "user", "host", "port", "protocol")}
    SnowflakeConnector(
        credentials=SnowflakeCredentials(
            password=server.pop("password"), connect_args=server, **fields
        ),
        database="analytics",
        schema="public",
        warehouse="etl",
        poll_frequency_s=0.05,
    ).save("analytics")

    SlackWebhook(url=slack_webhook_url).save("etl-alerts")
    DbtCliProfile(
        name="headrace_sample",
        target="dev",
        target_configs=DuckDBTargetConfigs(
            path=str(workdir / "dbt_project" / "warehouse.duckdb"), schema="main"
        ),
    ).save("analytics-duckdb")


def land_raw_files() -> None:
    """What an upstream system does before the flow runs: drop CSV files in the bucket."""
    from headrace_aws import S3Bucket

    bucket = S3Bucket.load("raw-landing")
    bucket.credentials.get_client("s3").create_bucket(Bucket="raw-landing")
    for table in ("orders", "customers"):
        bucket.upload_from_path(HERE / "data" / f"{table}.csv", f"{table}.csv")


def quiet_fakesnow() -> None:
    """fakesnow's uvicorn logs every request the connector makes, and fakesnow warns about
    its own copies: keep the demo readable."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", module="fakesnow")
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)


def main() -> None:
    import fakesnow

    from headrace_aws.testing import local_s3_server
    from headrace_dbt.testing import SAMPLE_PROJECT
    from headrace_slack.fake_server import FakeSlack

    sys.path.insert(0, str(HERE))
    with tempfile.TemporaryDirectory(prefix="headrace-etl-") as scratch:
        workdir = Path(scratch)
        os.environ.setdefault("HEADRACE_HOME", str(workdir / "home"))
        with local_s3_server() as s3, fakesnow.server() as snowflake, FakeSlack() as slack:
            quiet_fakesnow()
            save_blocks(s3, snowflake, slack.webhook_url, workdir)
            land_raw_files()
            from etl_flow import nightly_etl

            state = nightly_etl(str(SAMPLE_PROJECT), str(workdir), return_state=True)
            print(f"\nnightly-etl ended {state.name}")
            for message in slack.messages:
                print(f"slack #{message.channel}: {message.text}")
            from headrace.store.runs import list_flow_runs, list_task_runs

            run = list_flow_runs(flow_name="nightly-etl", limit=1)[0]
            tasks = list_task_runs(run["id"])
            print(
                f"{len(tasks)} task runs recorded, e.g. "
                + ", ".join(sorted({t["task_name"] for t in tasks})[:8])
            )
            if not state.is_completed():
                raise SystemExit(1)


if __name__ == "__main__":
    main()
