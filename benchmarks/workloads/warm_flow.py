"""Per-flow floor: one sync flow with one task, timed after a warm-up run."""

import sys

from _probe import now, report
from prefect import flow, task

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


@task
def add(a: int, b: int) -> int:
    return a + b


@flow
def one_task_flow(x: int) -> int:
    return add(x, 1)


one_task_flow(0)
timings = []
for i in range(RUNS):
    t0 = now()
    one_task_flow(i)
    timings.append(now() - t0)
report(per_flow_s=sum(timings) / len(timings), min_flow_s=min(timings), runs=RUNS)
