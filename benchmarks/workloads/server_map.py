"""task.map over N items with the run history on a server (`*_API_URL` set by the driver).

Prints the flow run id and the wall time of the flow call; the driver counts the task
runs through the server's API.
"""

import sys

from _probe import now, report
from prefect import flow, runtime, task

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000


@task
def double(x: int) -> int:
    return 2 * x


@flow
def fan_out(n: int) -> tuple[str, int]:
    futures = double.map(range(n))
    return str(runtime.flow_run.id), sum(f.result() for f in futures)


t0 = now()
flow_run_id, total = fan_out(N)
wall_s = now() - t0
assert total == N * (N - 1)
report(flow_run_id=flow_run_id, wall_s=wall_s, tasks=N)
