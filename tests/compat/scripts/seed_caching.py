"""Seed "Caching": the second identical call is served from the cache (sleep shortened)."""

import time
import uuid
from datetime import timedelta

from prefect import flow, task
from prefect.tasks import task_input_hash

TABLE = "big_table_" + uuid.uuid4().hex  # fresh per process: no cache from earlier runs


@task(cache_key_fn=task_input_hash, cache_expiration=timedelta(hours=1), log_prints=True)
def expensive_query(sql: str) -> list[dict]:
    print("Running query")
    time.sleep(0.05)  # simulate a slow DB call
    return [{"result": 42}]


@flow
def pipeline():
    r1 = expensive_query(f"SELECT * FROM {TABLE}")
    r2 = expensive_query(f"SELECT * FROM {TABLE}")
    print(r1, r2)


pipeline()
