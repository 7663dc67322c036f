"""Server benchmarks: headrace's server beside Prefect 3's, side by side.

    python benchmarks/bench_server.py                       # headrace only
    python benchmarks/bench_server.py --quick               # smaller sizes
    python benchmarks/bench_server.py --prefect-python /tmp/venv-prefect3/bin/python
    python benchmarks/bench_server.py --only start list --postgres

What it measures (each in fresh homes, servers on free loopback ports):

- start: `server start` to the first answer of `GET /api/health` (best of 3);
- map: a 10,000-task `task.map` with the history on the server: the flow call's wall
  time, how many task runs the API holds afterwards, and task runs recorded per second;
- ingest: batches of 10,000 task runs (insert, final state, two transitions) posted to
  `/api/ingest`, task runs per second (headrace only: Prefect has no batch endpoint);
- overhead: per-task engine overhead (1,000 sequential tasks in a warm flow) through the
  server, beside the same workload in-process;
- list: p95 latency of the runs list API (first page, state, flow and tag filters, a deep
  page, a count) with 100,000 flow runs in the store, on SQLite and, with `--postgres`,
  on PostgreSQL (started by the test suite's launcher). Prefect is not measured here:
  creating 100,000 runs through its API takes hours.

Measurements, not tests: nothing here is timed in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKLOADS = HERE / "workloads"
sys.path.insert(0, str(HERE))

from bench_core import to_headrace  # noqa: E402

_HEADRACE_URL = re.compile(r"headrace server at (http://\S+) ")


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "HEADRACE_"))}
    env.update(
        HEADRACE_HOME=str(home),
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PYTHONPATH=str(WORKLOADS),
        **extra,
    )
    return env


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A headrace or Prefect server subprocess on a free loopback port."""

    def __init__(self, engine: str, python: str, home: Path, **env: str) -> None:
        self.engine = engine
        self.python = python
        self.home = home
        self.env = _clean_env(home, **env)
        self.port = _free_port()
        self.api = f"http://127.0.0.1:{self.port}/api"
        self.process: subprocess.Popen[bytes] | None = None
        self.start_cpu_s = 0.0
        self.ready_s = 0.0

    def start(self, timeout: float = 300) -> float:
        """Start it; returns seconds from spawn to the first healthy answer."""
        module = "headrace" if self.engine == "headrace" else "prefect"
        argv = [self.python, "-m", module, "server", "start", "--port", str(self.port)]
        if self.engine == "prefect":
            argv += ["--host", "127.0.0.1"]
        t0 = time.perf_counter()
        self.process = subprocess.Popen(
            argv, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = t0 + timeout
        with httpx.Client(timeout=5) as client:
            while True:
                try:
                    if client.get(f"{self.api}/health").status_code == 200:
                        self.start_cpu_s = _cpu_seconds(self.process.pid)
                        healthy = time.perf_counter() - t0
                        # then the first answer of the runs list (headrace builds its API
                        # behind the health check: this is when everything answers)
                        if self.engine == "headrace":
                            path = f"{self.api}/flow_runs/filter"
                            client.post(path, json={"limit": 1}).raise_for_status()
                        else:
                            client.post(f"{self.api}/flow_runs/filter", json={"limit": 1})
                        self.ready_s = time.perf_counter() - t0
                        return healthy
                except httpx.TransportError:
                    pass
                if time.perf_counter() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"{self.engine} server did not start")
                time.sleep(0.005)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def _run_workload(engine: str, python: str, script: str, args: list[str], env: dict) -> dict:
    source = (WORKLOADS / script).read_text()
    with tempfile.TemporaryDirectory(prefix=f"bench-server-{engine}-") as tmp:
        path = Path(tmp, script)
        path.write_text(to_headrace(source) if engine == "headrace" else source)
        proc = subprocess.run(
            [python, str(path), *args], env=env, cwd=tmp, capture_output=True, text=True,
            timeout=1800,
        )  # fmt: skip
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        tail = " | ".join(proc.stderr.strip().splitlines()[-4:])
        return {"error": f"exit {proc.returncode}: {tail}"}


# -- the measurements ----------------------------------------------------------------------
def bench_start(engine: str, python: str, repeat: int) -> dict:
    times, cpu, ready = [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            server = Server(engine, python, Path(tmp))
            try:
                times.append(server.start())
                cpu.append(server.start_cpu_s)
                ready.append(server.ready_s)
            finally:
                server.stop()
    # CPU time of the server process itself (Prefect's serves from a child process)
    result = {"start_s": min(times), "start_all_s": times, "start_ready_s": min(ready)}
    if engine == "headrace":
        result["start_cpu_s"] = min(cpu)
    return result


def _count_task_runs(engine: str, api: str, flow_run_id: str, expected: int) -> tuple[int, float]:
    """Task runs of the flow run in the API: polled until all are there or the count has
    not moved for 10 s (Prefect records task runs from events, after the flow returns)."""
    if engine == "headrace":
        body: dict = {"flow_run_ids": [flow_run_id]}
    else:
        body = {"flow_runs": {"id": {"any_": [flow_run_id]}}}
    started = time.monotonic()
    last, moved = -1, time.monotonic()
    while True:
        count = httpx.post(f"{api}/task_runs/count", json=body, timeout=120).json()
        if count != last:
            last, moved = count, time.monotonic()
        if count >= expected or time.monotonic() - moved > 10:
            return count, time.monotonic() - started
        time.sleep(0.5)


def bench_map(engine: str, python: str, n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(engine, python, Path(tmp, "server"))
        server.start()
        try:
            var = "HEADRACE_API_URL" if engine == "headrace" else "PREFECT_API_URL"
            env = _clean_env(Path(tmp, "client"), **{var: server.api})
            result = _run_workload(engine, python, "server_map.py", [str(n)], env)
            if "error" in result:
                return result
            recorded, settle_s = _count_task_runs(engine, server.api, result["flow_run_id"], n)
        finally:
            server.stop()
    return {
        "map_wall_s": result["wall_s"],
        "recorded": recorded,
        "tasks": n,
        "settle_s": settle_s,
        "recorded_per_s": recorded / (result["wall_s"] + settle_s),
    }


def _task_run_records(flow_run_id: str, n: int, t0: float) -> list[list]:
    records = []
    for i in range(n):
        task_id = str(uuid.uuid4())
        running = ["RUNNING", "Running", None, t0 + i * 1e-4]
        done = ["COMPLETED", "Completed", None, t0 + i * 1e-4 + 5e-5]
        records += [
            [
                "task_run",
                task_id,
                flow_run_id,
                f"double-{i}",
                "double",
                "k",
                str(i),
                [],
                ["PENDING", "Pending", None, t0],
                0,
                None,
                None,
                None,
                "1:1@bench",
            ],  # fmt: skip
            ["state", task_id, running],
            ["task_run_state", task_id, done, 1, None, running[3], done[3]],
        ]
    return records


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_ingest(python: str, n: int, batches: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server("headrace", python, Path(tmp))
        server.start()
        try:
            bodies = []
            t0 = time.time()
            for _ in range(batches):
                flow_run_id = str(uuid.uuid4())
                flow = [
                    "flow_run", flow_run_id, "bench", "bench", None, {}, [],
                    ["RUNNING", "Running", None, t0], 1, t0, None, None, None, None, "1:1@bench",
                ]  # fmt: skip
                records = [flow, *_task_run_records(flow_run_id, n, t0)]
                bodies.append(json.dumps({"batch": uuid.uuid4().hex, "records": records}))
            times, cpu = [], []
            with httpx.Client(timeout=300) as client:
                for body in bodies:
                    cpu_before = _cpu_seconds(server.process.pid)  # type: ignore[union-attr]
                    start = time.perf_counter()
                    reply = client.post(
                        f"{server.api}/ingest",
                        content=body,
                        headers={"Content-Type": "application/json"},
                    )
                    reply.raise_for_status()
                    times.append(time.perf_counter() - start)
                    cpu.append(_cpu_seconds(server.process.pid) - cpu_before)  # type: ignore[union-attr]
                total = client.post(f"{server.api}/task_runs/count", json={}).json()
        finally:
            server.stop()
    return {
        "ingest_task_runs_per_s": n / min(times),
        # what the server spent: on a machine shared with other load, wall time is not
        "ingest_task_runs_per_cpu_s": n / min(cpu),
        "ingest_records_per_s": (3 * n + 1) / min(times),
        "ingest_recorded": total,
        "ingest_expected": n * batches,
    }


def bench_overhead(engine: str, python: str, n: int) -> dict:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        if engine == "headrace":
            local = _run_workload(
                engine, python, "sequential_tasks.py", [str(n)], _clean_env(Path(tmp, "local"))
            )
            out["per_task_local_s"] = local.get("per_task_s")
        server = Server(engine, python, Path(tmp, "server"))
        server.start()
        try:
            var = "HEADRACE_API_URL" if engine == "headrace" else "PREFECT_API_URL"
            env = _clean_env(Path(tmp, "client"), **{var: server.api})
            remote = _run_workload(engine, python, "sequential_tasks.py", [str(n)], env)
        finally:
            server.stop()
    if "error" in remote:
        return {"overhead_error": remote["error"], **out}
    out["per_task_server_s"] = remote["per_task_s"]
    return out


FLOWS = [f"etl-{i}" for i in range(20)]
TAGS = ["team-a", "team-b", "nightly", "adhoc"]
STATES = [("COMPLETED", "Completed")] * 8 + [("FAILED", "Failed"), ("CRASHED", "Crashed")]


def _populate(api: str, runs: int) -> None:
    """`runs` flow runs over the last 30 days, posted in batches through the ingest API."""
    rng = random.Random(7)
    now = time.time()
    with httpx.Client(timeout=600) as client:
        for start in range(0, runs, 10_000):
            records = []
            for _ in range(min(10_000, runs - start)):
                kind, name = rng.choice(STATES)
                created = now - rng.random() * 30 * 86_400
                records.append(
                    [
                        "flow_run",
                        str(uuid.uuid4()),
                        f"run-{start}",
                        rng.choice(FLOWS),
                        None,
                        {"day": int(created // 86_400)},
                        rng.sample(TAGS, rng.randint(0, 2)),
                        [kind, name, None, created],
                        1,
                        created,
                        created + 5,
                        None,
                        None,
                        None,
                        "1:1@bench",
                    ]  # fmt: skip
                )
            body = json.dumps({"batch": uuid.uuid4().hex, "records": records})
            reply = client.post(
                f"{api}/ingest", content=body, headers={"Content-Type": "application/json"}
            )
            reply.raise_for_status()


LIST_QUERIES = {
    "first page": ("/flow_runs/filter", {"limit": 50}),
    "state filter": ("/flow_runs/filter", {"state_types": ["FAILED"], "limit": 50}),
    "flow filter": ("/flow_runs/filter", {"flow_names": ["etl-7"], "limit": 50}),
    "tag filter": ("/flow_runs/filter", {"tags_all": ["nightly"], "limit": 50}),
    "page 1,000": ("/flow_runs/filter", {"limit": 50, "offset": 50_000}),
    "count by state": ("/flow_runs/count", {"state_types": ["COMPLETED"]}),
}


def bench_list(python: str, runs: int, samples: int, database_url: str | None) -> dict:
    extra = {"HEADRACE_DATABASE_URL": database_url} if database_url else {}
    with tempfile.TemporaryDirectory() as tmp:
        server = Server("headrace", python, Path(tmp), **extra)
        server.start()
        try:
            _populate(server.api, runs)
            assert httpx.post(f"{server.api}/flow_runs/count", json={}).json() == runs
            p95 = {}
            with httpx.Client(timeout=60) as client:
                for label, (path, body) in LIST_QUERIES.items():
                    client.post(f"{server.api}{path}", json=body).raise_for_status()  # warm
                    times = []
                    for _ in range(samples):
                        t = time.perf_counter()
                        client.post(f"{server.api}{path}", json=body).raise_for_status()
                        times.append(time.perf_counter() - t)
                    p95[label] = statistics.quantiles(times, n=20)[-1]
        finally:
            server.stop()
    return {"list_p95_s": max(p95.values()), "list_p95_by_query_s": p95, "runs": runs}


def _postgres_url() -> tuple[object, str]:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import PostgresServer  # the test suite's launcher

    server = PostgresServer()
    schema = server.create_schema()
    return server, server.url(schema)


# -- report --------------------------------------------------------------------------------
def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1e3:,.1f} ms"


def _us(value: float | None) -> str:
    return "—" if value is None else f"{value * 1e6:,.1f} µs"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}/s"


def print_report(results: dict, tasks: int, runs: int) -> None:
    h, p = results.get("headrace", {}), results.get("prefect", {})
    m = f"{tasks:,}-task map"
    k = f"{runs // 1000}k runs"
    rows = [
        ("server start to healthy", _ms(h.get("start_s")), _ms(p.get("start_s")), "< 1 s"),
        ("  CPU time of that start", _ms(h.get("start_cpu_s")), "—", ""),
        (
            "  start to the first runs-list answer",
            _ms(h.get("start_ready_s")),
            _ms(p.get("start_ready_s")),
            "",
        ),
        (f"{m}: flow wall time", _ms(h.get("map_wall_s")), _ms(p.get("map_wall_s")), ""),
        (
            f"{m}: task runs recorded",
            str(h.get("recorded", "—")),
            str(p.get("recorded", "—")),
            "all",
        ),
        (
            f"{m}: task runs recorded per second",
            _rate(h.get("recorded_per_s")),
            _rate(p.get("recorded_per_s")),
            ">= 10,000/s",
        ),
        (
            f"ingest: task runs per second ({tasks:,} per POST)",
            _rate(h.get("ingest_task_runs_per_s")),
            "—",
            ">= 10,000/s",
        ),
        (
            "ingest: task runs per CPU second of the server",
            _rate(h.get("ingest_task_runs_per_cpu_s")),
            "—",
            "",
        ),
        ("per-task overhead in-process", _us(h.get("per_task_local_s")), "—", ""),
        (
            "per-task overhead through the server",
            _us(h.get("per_task_server_s")),
            _us(p.get("per_task_server_s")),
            "<= 2x in-process",
        ),
        (f"runs list p95, {k}, SQLite", _ms(h.get("list_p95_s")), "—", "< 150 ms"),
        (f"runs list p95, {k}, PostgreSQL", _ms(h.get("pg_list_p95_s")), "—", "< 150 ms"),
    ]
    head = ("metric", "headrace", "prefect 3", "headrace target")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(4)]
    for i, row in enumerate([head, *rows]):
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    for engine, data in results.items():
        for key in ("list_p95_by_query_s", "pg_list_p95_by_query_s"):
            if key in data:
                shown = ", ".join(f"{k} {v * 1e3:.1f} ms" for k, v in data[key].items())
                print(f"\n{engine} {key.split('_list')[0] or 'sqlite'} p95 by query: {shown}")
        for key, value in data.items():
            if key.endswith("error"):
                print(f"\n{engine} {key}: {value}")


def _attempt(engine: str, name: str, data: dict, fn: Any, fn_args: tuple) -> None:
    print(f"{engine}: {name} ...", file=sys.stderr, flush=True)
    try:
        data.update(fn(*fn_args))
    except Exception as exc:  # one failing measurement must not hide the others
        data[f"{name}_error"] = f"{type(exc).__name__}: {exc}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefect-python", help="interpreter of a venv with prefect installed")
    parser.add_argument("--quick", action="store_true", help="smaller sizes for a fast check")
    parser.add_argument("--postgres", action="store_true", help="also list runs on PostgreSQL")
    parser.add_argument(
        "--only", nargs="*", choices=["start", "map", "ingest", "overhead", "list"], default=None
    )
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    only = set(args.only or ["start", "map", "ingest", "overhead", "list"])
    tasks = 1_000 if args.quick else 10_000
    runs = 10_000 if args.quick else 100_000
    engines = {"headrace": sys.executable}
    if args.prefect_python:
        engines["prefect"] = args.prefect_python
    results: dict[str, dict] = {engine: {} for engine in engines}
    for engine, python in engines.items():
        data = results[engine]
        for name, fn, fn_args in (
            ("start", bench_start, (engine, python, 3)),
            ("map", bench_map, (engine, python, tasks)),
            ("overhead", bench_overhead, (engine, python, 200 if args.quick else 1_000)),
            ("ingest", bench_ingest, (python, tasks, 3)),
            ("list", bench_list, (python, runs, 50 if args.quick else 200, None)),
        ):
            if name in only and (engine == "headrace" or name not in ("ingest", "list")):
                _attempt(engine, name, data, fn, fn_args)
        if engine == "headrace" and args.postgres and "list" in only:
            pg, url = _postgres_url()
            try:
                pg_result = bench_list(python, runs, 50 if args.quick else 200, url)
                data["pg_list_p95_s"] = pg_result["list_p95_s"]
                data["pg_list_p95_by_query_s"] = pg_result["list_p95_by_query_s"]
            finally:
                pg.stop()  # type: ignore[attr-defined]
    print_report(results, tasks, runs)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
