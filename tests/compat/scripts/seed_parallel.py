"""Seed "Parallel task submission" (sleep shortened)."""

import time

from prefect import flow, task
from prefect.futures import wait


@task(log_prints=True)
def process_item(item: int) -> int:
    time.sleep(0.01)
    return item**2


@flow
def parallel_pipeline(items: list[int]) -> list[int]:
    futures = [process_item.submit(item) for item in items]
    wait(futures)
    return [f.result() for f in futures]


result = parallel_pipeline(list(range(10)))
print(result)
