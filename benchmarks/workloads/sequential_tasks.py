"""Per-task overhead: N trivial tasks called one after another inside one warm flow.

The loop runs in several flows and the fastest round counts: on a shared machine the
slower rounds measure other people's load, not the engine.
"""

import sys

from _probe import now, report
from prefect import flow, task

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3


@task
def inc(x: int) -> int:
    return x + 1


@flow
def loop(n: int) -> float:
    t0 = now()
    x = 0
    for _ in range(n):
        x = inc(x)
    elapsed = now() - t0
    assert x == n
    return elapsed


def plain_loop(n: int) -> float:
    t0 = now()
    x = 0
    for _ in range(n):
        x = inc.fn(x)
    return now() - t0


loop(20)  # warm-up: first flow, first task runs, any server or store start
task_loop_s = min(loop(N) for _ in range(ROUNDS))
baseline_s = min(plain_loop(N) for _ in range(ROUNDS))
report(per_task_s=(task_loop_s - baseline_s) / N, loop_s=task_loop_s, tasks=N, rounds=ROUNDS)
