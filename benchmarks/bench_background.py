"""Background task runs (`Task.delay` + a task worker), headrace beside Prefect 3.

    python benchmarks/bench_background.py                  # headrace only
    python benchmarks/bench_background.py --runs 100
    python benchmarks/bench_background.py --prefect-python /tmp/venv-prefect3/bin/python

One task worker process (limit 10) serves a trivial task; another process submits N
`inc.delay(i)` calls and waits for every result. Measured: the submitting loop, and the
time until the last result arrived (after one warm-up run, so worker start-up is not
counted). headrace runs on its SQLite store (no server) and through `headrace server`;
Prefect needs its server (started here, not timed), as its task workers subscribe to it.
Measurements, not tests.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_core import to_headrace  # noqa: E402
from bench_server import Server, _clean_env  # noqa: E402

WORKLOAD = HERE / "workloads" / "background_tasks.py"


def run(engine: str, python: str, runs: int, through_server: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"bench-bg-{engine}-") as tmp:
        home = Path(tmp, "home")
        home.mkdir()
        script = Path(tmp, "background_tasks.py")
        source = WORKLOAD.read_text()
        script.write_text(to_headrace(source) if engine == "headrace" else source)
        server = Server(engine, python, home) if through_server else None
        extra = {}
        if server is not None:
            server.start()
            key = "HEADRACE_API_URL" if engine == "headrace" else "PREFECT_API_URL"
            extra[key] = server.api
        env = _clean_env(home, **extra)
        worker = subprocess.Popen(
            [python, str(script), "serve", "10"],
            env=env,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            proc = subprocess.run(
                [python, str(script), "submit", str(runs)],
                env=env,
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=1800,
            )
        finally:
            worker.terminate()
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()
            if server is not None:
                server.stop()
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": " | ".join(proc.stderr.strip().splitlines()[-4:])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--prefect-python", default=None)
    args = parser.parse_args()
    rows = [
        ("headrace (SQLite store)", run("headrace", sys.executable, args.runs, False)),
        ("headrace (server)", run("headrace", sys.executable, args.runs, True)),
    ]
    if args.prefect_python:
        rows.append(("Prefect 3 (server)", run("prefect", args.prefect_python, args.runs, True)))
    print(f"\n{args.runs} background runs, one task worker (limit 10)\n")
    print("| engine | submit loop | all results | per run |")
    print("|---|---|---|---|")
    for name, data in rows:
        if "error" in data:
            print(f"| {name} | error: {data['error']} | | |")
            continue
        per_run_ms = 1000 * data["total_s"] / data["runs"]
        print(
            f"| {name} | {data['submit_s']:.2f} s | {data['total_s']:.2f} s | {per_run_ms:.1f} ms |"
        )
    timed = {name: data["total_s"] for name, data in rows if "error" not in data}
    if "Prefect 3 (server)" in timed and "headrace (SQLite store)" in timed:
        ratio = timed["Prefect 3 (server)"] / timed["headrace (SQLite store)"]
        print(f"\nPrefect / headrace (SQLite), all results: {ratio:.1f}x")


if __name__ == "__main__":
    main()
