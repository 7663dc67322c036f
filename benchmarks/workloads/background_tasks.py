"""Background task runs: `python background_tasks.py serve` runs a task worker for `inc`;
`python background_tasks.py submit N` times N `inc.delay(i)` calls and their results
(after one warm-up run, so the worker's start is not counted). Prints one JSON line."""

import json
import sys
import time

from prefect import task


@task
def inc(x: int) -> int:
    return x + 1


def submit(n: int) -> None:
    inc.delay(-1).result(timeout=600)  # warm-up: the worker is up and subscribed
    t0 = time.perf_counter()
    futures = [inc.delay(i) for i in range(n)]
    submitted = time.perf_counter() - t0
    results = [future.result(timeout=600) for future in futures]
    total = time.perf_counter() - t0
    assert results == [i + 1 for i in range(n)], results[:5]
    print(json.dumps({"runs": n, "submit_s": submitted, "total_s": total}))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        from prefect.task_worker import serve

        serve(inc, limit=int(sys.argv[2]) if len(sys.argv) > 2 else 10)
    else:
        submit(int(sys.argv[2]))
