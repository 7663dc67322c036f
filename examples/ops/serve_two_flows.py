"""Serve two flows from one process: one every minute, one on weekday mornings in Paris.

    python examples/ops/serve_two_flows.py
    headrace deployment run 'report/weekday-morning' --param region=eu   # from another shell

Ctrl+C (or SIGTERM) stops it: running flows finish, nothing is replayed on restart.
"""

from headrace import flow, get_run_logger, serve, task
from headrace.schedules import Cron


@task(tags=["warehouse"], retries=1)
def count_rows(table: str) -> int:
    return len(table) * 100


@flow(log_prints=True)
def heartbeat() -> None:
    print("still alive")


@flow
def report(region: str = "us") -> int:
    rows = sum(count_rows(table) for table in ("orders", "customers"))
    get_run_logger().info(f"{region}: {rows} rows")
    return rows


if __name__ == "__main__":
    serve(
        heartbeat.to_deployment("every-minute", interval=60),
        report.to_deployment(
            "weekday-morning",
            schedules=[Cron("0 8 * * 1-5", timezone="Europe/Paris")],
            parameters={"region": "eu"},
        ),
        limit=4,
    )
