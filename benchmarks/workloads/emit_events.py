"""Emit cost: written for Prefect (the headrace run rewrites the imports).

    python emit_events.py N flow|plain

Prints one JSON line: microseconds per `emit_event` call, inside a running flow (`flow`)
or in plain code (`plain`), as wall time and as the calling thread's CPU time (what the
caller pays, without the time the machine's other processes take), the best of three
rounds of N events after a warm-up.
"""

import json
import sys
import time

from prefect import flow
from prefect.events import emit_event

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
MODE = sys.argv[2] if len(sys.argv) > 2 else "flow"
#: the label name is built so that the benchmark's import rewrite leaves it alone
RESOURCE_ID = "prefect" + ".resource.id"


def rounds() -> dict:
    for _ in range(200):  # warm-up: models, the writer or the events worker
        emit_event("bench.warmup", resource={RESOURCE_ID: "bench.warm"})
    wall, cpu = [], []
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.thread_time()
        for n in range(N):
            emit_event(
                "bench.item.processed",
                resource={RESOURCE_ID: f"bench.item.{n}"},
                payload={"n": n},
            )
        wall.append((time.perf_counter() - t0) / N * 1e6)
        cpu.append((time.thread_time() - c0) / N * 1e6)
    return {"emit_us": min(wall), "cpu_us": min(cpu)}


@flow
def emitter() -> dict:
    return rounds()


if __name__ == "__main__":
    print(json.dumps(emitter() if MODE == "flow" else rounds()))
