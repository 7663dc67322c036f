"""One small flow per integration, run by tests/packaging inside a venv holding the wheels.

Usage: `python flows_per_integration.py WORKDIR NAME...`; prints one JSON object mapping
each NAME to what its flow returned. Each flow talks to a real local service (moto,
gcp-storage-emulator, fakesnow, the fake Slack API, DuckDB) or runs its tasks on a real
Dask or Ray runtime, through the integration's public API only.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from headrace import flow, task


@task
def double(x: int) -> int:
    return 2 * x


@task
def headrace_location() -> str:
    """Where the process running the task imported headrace from."""
    import headrace

    return headrace.__file__


def aws(workdir: Path) -> Any:
    from headrace_aws import AwsClientParameters, AwsCredentials, S3Bucket
    from headrace_aws.testing import TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY, local_s3_server

    with local_s3_server() as endpoint:
        credentials = AwsCredentials(
            aws_access_key_id=TEST_ACCESS_KEY_ID,
            aws_secret_access_key=TEST_SECRET_ACCESS_KEY,
            region_name="us-east-1",
            aws_client_parameters=AwsClientParameters(endpoint_url=endpoint),
        )
        credentials.get_s3_client().create_bucket(Bucket="wheel-check")
        S3Bucket(bucket_name="wheel-check", credentials=credentials).save("wheel-check")

        @flow
        def s3_round_trip() -> str:
            bucket = S3Bucket.load("wheel-check")
            bucket.write_path("greeting.txt", b"hello from s3")
            return bucket.read_path("greeting.txt").decode()

        return s3_round_trip()


def gcp(workdir: Path) -> Any:
    from headrace_gcp import GcpCredentials, GcsBucket
    from headrace_gcp.testing import TEST_PROJECT, local_gcs_emulator

    with local_gcs_emulator():
        credentials = GcpCredentials(project=TEST_PROJECT)
        credentials.get_cloud_storage_client().create_bucket("wheel-check")

        @flow
        def gcs_round_trip() -> str:
            bucket = GcsBucket(bucket="wheel-check", gcp_credentials=credentials)
            bucket.write_path("greeting.txt", b"hello from gcs")
            return bucket.read_path("greeting.txt").decode()

        return gcs_round_trip()


def snowflake(workdir: Path) -> Any:
    import fakesnow

    from headrace_snowflake import SnowflakeConnector, SnowflakeCredentials, snowflake_query

    with fakesnow.server() as server:
        server = dict(server)
        fields = {k: server.pop(k) for k in ("account", "user", "host", "port", "protocol")}
        credentials = SnowflakeCredentials(
            password=server.pop("password"), connect_args=server, **fields
        )

        @flow
        def query() -> list:
            with SnowflakeConnector(
                credentials=credentials,
                database=f"db_{uuid.uuid4().hex[:8]}",
                warehouse="wh",
                schema="public",
            ) as connector:
                return [list(row) for row in snowflake_query("select 40 + 2", connector)]

        return query()


def slack(workdir: Path) -> Any:
    from headrace_slack import SlackWebhook, send_incoming_webhook_message
    from headrace_slack.fake_server import FakeSlack

    with FakeSlack() as fake:

        @flow
        def notify() -> None:
            send_incoming_webhook_message(SlackWebhook(url=fake.webhook_url), text="deployed")

        notify()
        return [message.text for message in fake.messages]


def email(workdir: Path) -> Any:
    from headrace_email import email_send_message
    from headrace_email.testing import local_smtp_server, trusting

    with local_smtp_server("starttls") as server, trusting(server.ca_file):

        @flow
        def mail() -> None:
            email_send_message(
                subject="wheel check",
                msg="sent over starttls",
                email_server_credentials=server.credentials(),
                email_to="ops@example.test",
            )

        mail()
        (received,) = server.messages
        html = next(p for p in received.message.walk() if p.get_content_type() == "text/html")
        return html.get_payload(decode=True).decode().strip()


def dbt(workdir: Path) -> Any:
    from headrace_dbt import run_dbt_seed
    from headrace_dbt.testing import SAMPLE_PROJECT, DbtProject

    project = DbtProject.create(SAMPLE_PROJECT, workdir / "dbt")

    @flow
    def seed() -> list[str]:
        result = run_dbt_seed(**project.dirs)
        return sorted(node.unique_id for node in result.nodes)

    return seed()


def dask(workdir: Path) -> Any:
    from headrace_dask import DaskTaskRunner

    runner = DaskTaskRunner(cluster_kwargs={"processes": False, "n_workers": 1})

    @flow(task_runner=runner)
    def doubled() -> list[int]:
        return [future.result() for future in double.map([1, 2, 3])]

    return doubled()


def ray(workdir: Path) -> Any:
    from headrace_ray import RayTaskRunner

    # "local": a Ray of its own, never one another test process started on this machine
    runner = RayTaskRunner(address="local", init_kwargs={"num_cpus": 1})

    @flow(task_runner=runner)
    def doubled() -> dict[str, Any]:
        location = headrace_location.submit()  # in a Ray worker process
        return {
            "doubled": [future.result() for future in double.map([1, 2, 3])],
            "worker_headrace": location.result(),
        }

    return doubled()


FLOWS: dict[str, Callable[[Path], Any]] = {
    "email": email,
    "aws": aws,
    "gcp": gcp,
    "snowflake": snowflake,
    "slack": slack,
    "dbt": dbt,
    "dask": dask,
    "ray": ray,
}

if __name__ == "__main__":
    workdir = Path(sys.argv[1])
    print(json.dumps({name: FLOWS[name](workdir) for name in sys.argv[2:]}))
