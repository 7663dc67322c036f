"""The whole cost of a sequential task call: N trivial tasks called one after another in
one flow, timed from the flow call until it returns with its records written.

A top-level flow waits for its run records (flow run, task runs, states) to be committed
before it returns, so the flow call's wall time covers everything a task call costs,
the store writes included. CPU time (all threads of this process) is reported too: on a
shared machine it moves less with other people's load than wall time does. Prefect's
records go to its API server (another process), so its CPU figure covers the client only.
"""

import sys
import time

from _probe import now, report
from prefect import flow, task

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3


@task
def inc(x: int) -> int:
    return x + 1


@flow
def loop(n: int) -> int:
    x = 0
    for _ in range(n):
        x = inc(x)
    return x


loop(20)  # warm-up: first flow, first task runs, any server or store start
walls, cpus = [], []
failure = None
for _ in range(ROUNDS):
    cpu0, t0 = time.process_time(), now()
    try:
        assert loop(N) == N
    except Exception as exc:  # an engine that falls over part-way keeps earlier rounds
        failure = f"{type(exc).__name__}: {str(exc)[:200]}"
        break
    walls.append(now() - t0)
    cpus.append(time.process_time() - cpu0)
if not walls:
    raise SystemExit(f"no round completed: {failure}")
report(
    whole_per_task_s=min(walls) / N,
    cpu_per_task_s=min(cpus) / N,
    tasks=N,
    rounds=len(walls),
    failure=failure,
)
