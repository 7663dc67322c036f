"""Emit cost inside a flow: written for Prefect (the headrace run rewrites the imports).

Prints one JSON line: microseconds per `emit_event` call inside a running flow (best of
three rounds of N events, after a warm-up), the time until the events are handed over
(flush), and which client Prefect used.
"""

import json
import sys
import time

from prefect import flow
from prefect.events import emit_event

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000


@flow
def emitter() -> dict:
    for _ in range(200):  # warm-up: models, the writer or the events worker
        emit_event("bench.warmup", resource={"prefect.resource.id": "bench.warm"})
    rounds = []
    for _ in range(3):
        t0 = time.perf_counter()
        for n in range(N):
            emit_event(
                "bench.item.processed",
                resource={"prefect.resource.id": f"bench.item.{n}"},
                payload={"n": n},
            )
        rounds.append((time.perf_counter() - t0) / N * 1e6)
    return {"emit_us": min(rounds), "rounds_us": rounds}


if __name__ == "__main__":
    t0 = time.perf_counter()
    result = emitter()
    result["flow_s"] = time.perf_counter() - t0
    print(json.dumps(result))
