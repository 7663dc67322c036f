"""Tasks of the legacy ETL flow (Prefect 1.x style)."""
from datetime import timedelta

import prefect
from prefect import Task, task


@task(max_retries=2, retry_delay=timedelta(seconds=0))
def extract(n):
    logger = prefect.context.get("logger")
    logger.info("extracting %s rows", n)
    return list(range(n))


@task
def is_big(rows):
    return len(rows) > 3


@task(log_stdout=True)
def summarize(rows):
    print(f"summary: {len(rows)} rows, total {sum(rows)}")
    return sum(rows)


@task
def small_report(rows):
    print(f"small batch: {rows}")
    return "small"


class Square(Task):
    """Square every value."""

    def run(self, rows):
        return [r * r for r in rows]
