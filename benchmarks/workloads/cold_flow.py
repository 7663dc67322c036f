"""First flow run in a brand-new home, timed from before the import to the flow's return."""

import time

started = time.perf_counter()

from _probe import report  # noqa: E402
from prefect import flow, task  # noqa: E402


@task
def add(a: int, b: int) -> int:
    return a + b


@flow
def first(x: int) -> int:
    return add(x, 1)


assert first(1) == 2
report(cold_s=time.perf_counter() - started)
