"""task.map over N items: wall time, peak memory and threads, and how many runs were recorded."""

import importlib
import sys

import prefect
from _probe import ThreadPeak, now, peak_rss_mib, report
from prefect import flow, runtime, task

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
# _count_prefect / _count_headrace: how each engine's run history is queried
counter = importlib.import_module(f"_count_{prefect.__name__}")


@task
def double(x: int) -> int:
    return 2 * x


@flow
def fan_out(n: int) -> tuple[str, int]:
    futures = double.map(range(n))
    return str(runtime.flow_run.id), sum(f.result() for f in futures)


with ThreadPeak() as threads:
    t0 = now()
    flow_run_id, total = fan_out(N)
    wall_s = now() - t0
assert total == N * (N - 1)
recorded_at_return = counter.count_task_runs(flow_run_id)
recorded, settle_s = counter.settled_count(flow_run_id, expected=N)
report(
    wall_s=wall_s,
    peak_rss_mib=peak_rss_mib(),
    peak_threads=threads.peak,
    tasks=N,
    recorded_at_return=recorded_at_return,
    recorded=recorded,
    settle_s=settle_s,
)
