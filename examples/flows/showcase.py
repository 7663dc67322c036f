"""A tour of the runtime: retries, caching, mapping, subflows and a failure.

Written exactly as it would be for Prefect 3, with `prefect` replaced by `headrace`.
"""

from __future__ import annotations

import datetime as dt
import random

from headrace import flow, get_run_logger, task
from headrace.tasks import task_input_hash

random.seed(7)


@task(retries=3, retry_delay_seconds=0.1)
def fetch_page(page: int) -> list[int]:
    """Fails at random, as a flaky API would; retries make it reliable."""
    if random.random() < 0.5:
        raise ConnectionError(f"page {page}: connection reset")
    return list(range(page * 10, page * 10 + 10))


@task(cache_key_fn=task_input_hash, cache_expiration=dt.timedelta(hours=1))
def expensive_lookup(key: str) -> str:
    get_run_logger().info("computing %s (only once per hour)", key)
    return key.upper()


@task
def square(x: int) -> int:
    return x * x


@task
def check(total: int) -> int:
    if total > 10_000:
        raise ValueError(f"total {total} is over budget")
    return total


@flow(name="transform")
def transform(values: list[int]) -> int:
    """A subflow: its own run, with its parent recorded."""
    return sum(square.map(values).result())


@flow(name="showcase", log_prints=True)
def showcase(pages: int = 3) -> dict:
    numbers = [n for page in range(pages) for n in fetch_page(page)]
    labels = [expensive_lookup("region-eu"), expensive_lookup("region-eu")]
    total = transform(numbers[:10])
    print(f"{len(numbers)} numbers, labels {labels}, sum of squares {total}")
    return {"numbers": len(numbers), "sum_of_squares": total}


@flow(name="over-budget")
def over_budget() -> int:
    """Fails on purpose: the task's exception fails the flow."""
    return check(transform(list(range(100))))
