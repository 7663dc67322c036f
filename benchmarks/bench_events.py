"""Events and automations: emit cost, automation fire latency, server event ingest.

    python benchmarks/bench_events.py
    python benchmarks/bench_events.py --prefect-python /tmp/venv-prefect3/bin/python
    python benchmarks/bench_events.py --quick

- emit: microseconds per `emit_event` (workloads/emit_events.py, best of 3 rounds), wall
  time and the caller's CPU time: headrace inside a running flow and in plain code, beside
  Prefect 3 in plain code with its API pointed at a closed loopback port, so only the
  client's side is counted (inside a flow Prefect first starts its ephemeral server,
  which times out on a loaded machine);
- fire: seconds from `emit_event` in one process to the action's HTTP call arriving, with
  the evaluator in another process (as `headrace serve` or a worker runs it), median and
  p95 over sequential events (headrace only: Prefect needs its server and services);
- ingest: events per second the server stores, posted as Prefect's event JSON to
  `POST /api/events` in batches, and shipped by a client flow through `HEADRACE_API_URL`.

Measurements, not tests: nothing here is timed in CI. Targets (issue 17): emit < 20 us,
fire < 1 s, ingest >= 10,000 events/s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_server import Server, _clean_env, _run_workload  # noqa: E402


def bench_emit(python: str, engine: str, n: int, mode: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"bench-events-{engine}-") as home:
        env = _clean_env(Path(home))
        if engine == "prefect":
            env["PREFECT_API_URL"] = "http://127.0.0.1:9/api"  # nothing listens: client only
        return _run_workload(engine, python, "emit_events.py", [str(n), mode], env)


_EVALUATOR = """
import signal, threading
from headrace.automations.evaluator import Evaluator
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
evaluator = Evaluator().start()
print("started", flush=True)
stop.wait()
evaluator.stop()
"""


def bench_fire(count: int) -> dict[str, Any]:
    arrivals: dict[int, float] = {}
    got = threading.Condition()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with got:
                arrivals[json.loads(body)["n"]] = time.perf_counter()
                got.notify_all()
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    with tempfile.TemporaryDirectory(prefix="bench-fire-") as home:
        env = _clean_env(Path(home))
        os.environ.update({k: v for k, v in env.items() if k.startswith("HEADRACE_")})
        from headrace.automations import Automation
        from headrace.blocks.webhook import Webhook
        from headrace.events import CallWebhook, EventTrigger, emit_event
        from headrace.store import get_store, reset_store

        reset_store()
        hook = Webhook(url=url).save("bench")
        Automation(
            name="bench-fire",
            trigger=EventTrigger(expect={"bench.fire"}),
            actions=[CallWebhook(block_document_id=hook, payload='{"n": {{ event.payload.n }}}')],
        ).create()
        evaluator = subprocess.Popen(
            [sys.executable, "-c", _EVALUATOR], env={**os.environ, **env},
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert evaluator.stdout is not None and evaluator.stdout.readline().strip() == "started"
        latencies = []
        try:
            for n in range(count):
                sent = time.perf_counter()
                emit_event("bench.fire", {"prefect.resource.id": "bench"}, payload={"n": n})
                with got:
                    if not got.wait_for(lambda: n in arrivals, timeout=30):  # noqa: B023
                        raise RuntimeError("the automation did not fire within 30 s")
                latencies.append(arrivals[n] - sent)
        finally:
            evaluator.terminate()
            evaluator.wait()
            server.shutdown()
            get_store().flush()
            reset_store()
    latencies.sort()
    return {
        "median_s": statistics.median(latencies),
        "p95_s": latencies[int(len(latencies) * 0.95) - 1],
        "max_s": latencies[-1],
        "events": count,
    }


def _event(n: int, marker: str) -> dict[str, Any]:
    return {
        "event": "bench.ingested",
        "resource": {"prefect.resource.id": f"bench.{marker}.{n % 100}"},
        "related": [{"prefect.resource.id": "bench.source", "prefect.resource.role": "source"}],
        "payload": {"n": n},
        "id": str(uuid.uuid4()),
    }


_SHIP = """
import sys, time, json
from headrace import flow
from headrace.events import emit_event
from headrace.store import get_store
N = int(sys.argv[1])
@flow
def shipper():
    for n in range(N):
        emit_event("bench.shipped", {"prefect.resource.id": f"bench.{n % 100}"}, payload={"n": n})
t0 = time.perf_counter()
shipper()
get_store().flush(timeout=600)
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


def bench_ingest(total: int, batch: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as home:
        server = Server("headrace", sys.executable, Path(home), HEADRACE_AUTOMATIONS="0")
        server.start()
        try:
            marker = uuid.uuid4().hex[:8]
            bodies = [
                json.dumps([_event(n, marker) for n in range(start, start + batch)]).encode()
                for start in range(0, total, batch)
            ]
            with httpx.Client(timeout=120) as client:
                t0 = time.perf_counter()
                for body in bodies:
                    reply = client.post(f"{server.api}/events", content=body)
                    reply.raise_for_status()
                posted = time.perf_counter() - t0
            env = _clean_env(Path(home) / "client", HEADRACE_API_URL=server.api)
            proc = subprocess.run(
                [sys.executable, "-c", _SHIP, str(total)], env=env, capture_output=True,
                text=True, timeout=900,
            )  # fmt: skip
            shipped = json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]
        finally:
            server.stop()
    return {
        "post_events_per_s": total / posted,
        "shipped_events_per_s": total / shipped,
        "events": total,
        "batch": batch,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefect-python", help="a Python with prefect 3 installed")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", choices=["emit", "fire", "ingest"])
    args = parser.parse_args()
    only = set(args.only or ["emit", "fire", "ingest"])
    n = 2000 if args.quick else 5000
    if "emit" in only:
        for mode in ("flow", "plain"):
            mine = bench_emit(sys.executable, "headrace", n, mode)
            if "error" in mine:
                print(f"emit ({mode}): headrace failed: {mine['error']}", flush=True)
                continue
            line = (
                f"emit ({'in a flow' if mode == 'flow' else 'plain code'}): headrace "
                f"{mine['emit_us']:.1f} us wall, {mine['cpu_us']:.1f} us CPU"
            )
            if args.prefect_python and mode == "plain":
                theirs = bench_emit(args.prefect_python, "prefect", n, mode)
                if "error" in theirs:
                    line += f"; Prefect failed: {theirs['error']}"
                else:
                    line += (
                        f"; Prefect {theirs['emit_us']:.1f} us wall, {theirs['cpu_us']:.1f} us "
                        f"CPU ({theirs['emit_us'] / mine['emit_us']:.1f}x, "
                        f"{theirs['cpu_us'] / mine['cpu_us']:.1f}x)"
                    )
            print(line + "  (target < 20 us)", flush=True)
    if "fire" in only:
        fire = bench_fire(10 if args.quick else 30)
        print(
            f"automation fire latency: median {fire['median_s'] * 1000:.0f} ms, "
            f"p95 {fire['p95_s'] * 1000:.0f} ms, max {fire['max_s'] * 1000:.0f} ms over "
            f"{fire['events']} events (target < 1 s; Prefect not measured: needs its server)",
            flush=True,
        )
    if "ingest" in only:
        total = 20_000 if args.quick else 50_000
        ingest = bench_ingest(total, 1000)
        print(
            f"server ingest: POST /api/events {ingest['post_events_per_s']:,.0f} events/s, "
            f"shipped from a flow {ingest['shipped_events_per_s']:,.0f} events/s "
            f"({ingest['events']:,} events; target >= 10,000/s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
