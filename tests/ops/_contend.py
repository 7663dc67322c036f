"""Helper process for the contention test: threads enter a limit and record when."""

import json
import sys
import threading
import time

from headrace.concurrency.sync import concurrency

name, threads, rounds, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
spans: list[tuple[float, float]] = []
lock = threading.Lock()


def worker() -> None:
    for _ in range(rounds):
        with concurrency(name, strict=True):
            entered = time.monotonic()
            time.sleep(0.003)  # the work done while holding the slot
            left = time.monotonic()
        with lock:
            spans.append((entered, left))


pool = [threading.Thread(target=worker) for _ in range(threads)]
for thread in pool:
    thread.start()
for thread in pool:
    thread.join()
with open(out, "w") as handle:
    json.dump(spans, handle)
