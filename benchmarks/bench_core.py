"""Run the core workloads on headrace and, when given a Prefect venv, on Prefect 3, side by side.

    python benchmarks/bench_core.py [--prefect-python /tmp/venv-prefect3/bin/python] [--quick]

Every workload in benchmarks/workloads/ is written once against `prefect`; for headrace it
is copied with its imports rewritten. Each run is a fresh subprocess with a fresh, empty
home directory (PREFECT_HOME / HEADRACE_HOME), so "cold" really is cold and no run sees
another's history. Workloads print one JSON line of measurements; this script prints a
table of both engines' figures, the ratio, and headrace's targets.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

WORKLOADS = Path(__file__).resolve().parent / "workloads"


@dataclass(frozen=True)
class Workload:
    script: str
    args: tuple[str, ...]
    quick_args: tuple[str, ...]
    timeout_s: float


@dataclass(frozen=True)
class Metric:
    workload: str
    key: str
    label: str
    unit: str  # "ms", "us", "s", "MiB", "" (a count)
    target: float | None = None  # headrace target, an upper bound unless noted
    lower_is_better: bool = True
    worst: bool = False  # over repeats keep the worst value (memory, threads, records)


WORKLOADS_BY_NAME = {
    "import": Workload("import_engine.py", (), (), 120),
    "cold": Workload("cold_flow.py", (), (), 300),
    "warm": Workload("warm_flow.py", ("5",), ("2",), 300),
    "sequential": Workload("sequential_tasks.py", ("1000",), ("100",), 900),
    "flushed": Workload("sequential_flushed.py", ("20000",), ("1000",), 1800),
    "map": Workload("map_tasks.py", ("10000",), ("500",), 1800),
}

METRICS = [
    Metric("import", "import_s", "import + `from … import flow, task`", "ms", 0.060),
    Metric("import", "rss_mib", "RSS after import", "MiB", worst=True),
    Metric("cold", "cold_s", "cold first flow run (new home, incl. import)", "ms", 0.150),
    Metric("warm", "min_flow_s", "warm sync flow with one task (best of 5)", "ms"),
    Metric("sequential", "per_task_s", "overhead per sequential task (best round)", "us", 30e-6),
    Metric("flushed", "whole_per_task_s", "whole sequential task call, flushed", "us", 30e-6),
    Metric("flushed", "cpu_per_task_s", "CPU per sequential task, records flushed", "us"),
    Metric("map", "wall_s", "task.map wall time", "s", 1.5),
    Metric("map", "peak_rss_mib", "task.map peak RSS", "MiB", 80, worst=True),
    Metric("map", "peak_threads", "task.map peak OS threads", "", worst=True),
    Metric("map", "recorded", "task runs recorded", "", lower_is_better=False, worst=True),
]

_FROM = re.compile(r"^(\s*)from prefect(?=[.\s])", re.MULTILINE)
_IMPORT = re.compile(r"^(\s*)import prefect(?=[.\s,]|$)", re.MULTILINE)
_ATTR = re.compile(r"\bprefect\.(?=[A-Za-z_])")


def to_headrace(source: str) -> str:
    """The same three-pattern import rewrite the compatibility tests use."""
    source = _FROM.sub(r"\1from headrace", source)
    source = _IMPORT.sub(r"\1import headrace", source)
    return _ATTR.sub("headrace.", source)


def run_workload(engine: str, python: str, name: str, quick: bool) -> dict:
    workload = WORKLOADS_BY_NAME[name]
    source = (WORKLOADS / workload.script).read_text()
    with tempfile.TemporaryDirectory(prefix=f"bench-{engine}-") as tmp:
        script = Path(tmp, workload.script)
        script.write_text(to_headrace(source) if engine == "headrace" else source)
        home = Path(tmp, "home")
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "HEADRACE_"))}
        env.update(
            HEADRACE_HOME=str(home),
            PREFECT_HOME=str(home),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            # on a busy machine Prefect's own 20 s limit for its server to start is too short
            PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",
            PYTHONPATH=str(WORKLOADS),
        )
        args = workload.quick_args if quick else workload.args
        try:
            proc = subprocess.run(
                [python, str(script), *args],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
                timeout=workload.timeout_s,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {workload.timeout_s:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = proc.stderr.strip().splitlines()[-5:]
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}
    # Prefect sometimes fails while shutting its server down, after reporting: keep the
    # figures and note the exit code.
    result["exit_code"] = proc.returncode
    return result


def combine(runs: list[dict]) -> dict:
    """Fold repeated runs of one workload: the best time (the least disturbed by other
    load on the machine) and the worst memory, thread count and record count."""
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[-1]
    combined = dict(good[0], repeats=len(good))
    for key in good[0]:
        values = [r[key] for r in good if isinstance(r.get(key), (int, float))]
        if not values:
            continue
        metric = next((m for m in METRICS if m.key == key), None)
        high_is_worse = metric is not None and metric.worst and metric.lower_is_better
        combined[key] = max(values) if high_is_worse else min(values)
    return combined


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    scale = {"ms": 1e3, "us": 1e6, "s": 1, "MiB": 1, "": 1}[unit]
    shown = value * scale
    if unit == "":
        return f"{shown:,.0f}"
    digits = 0 if shown >= 100 else 1 if shown >= 10 else 2
    return f"{shown:,.{digits}f} {unit}"


def ratio(headrace: float | None, prefect: float | None, metric: Metric) -> str:
    if not headrace or not prefect:
        return "—"
    r = prefect / headrace if metric.lower_is_better else headrace / prefect
    return f"{r:,.1f}x"


def verdict(value: float | None, metric: Metric, results: dict) -> str:
    if value is None:
        return "—"
    if metric.key == "recorded":
        tasks = results.get("map", {}).get("tasks")
        return "ok" if value == tasks else f"MISSED (of {tasks})"
    if metric.target is None:
        return ""
    return "ok" if value <= metric.target else f"OVER (< {fmt(metric.target, metric.unit)})"


def print_table(results: dict[str, dict[str, dict]], engines: list[str]) -> None:
    head = ["metric", *engines]
    if "prefect" in engines:
        head.append("prefect / headrace")
    head.append("headrace target")
    rows = [head]
    for metric in METRICS:
        row = [metric.label]
        values = {}
        for engine in engines:
            data = results[engine].get(metric.workload, {})
            values[engine] = data.get(metric.key)
            row.append("error" if "error" in data else fmt(values[engine], metric.unit))
        if "prefect" in engines:
            row.append(ratio(values.get("headrace"), values.get("prefect"), metric))
        row.append(verdict(values.get("headrace"), metric, results["headrace"]))
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for i, row in enumerate(rows):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    for engine in engines:
        for name, data in results[engine].items():
            if "error" in data:
                print(f"\n{engine} {name}: {data['error']}")
            elif data.get("failure"):
                print(f"\n{engine} {name}: {data['rounds']} round(s), then {data['failure']}")
            elif data.get("exit_code"):
                print(f"\n{engine} {name}: reported, then exited {data['exit_code']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefect-python", help="interpreter of a venv with prefect installed")
    parser.add_argument("--quick", action="store_true", help="smaller sizes for a fast check")
    parser.add_argument(
        "--only", nargs="+", choices=list(WORKLOADS_BY_NAME), help="run these workloads only"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each workload N times; best time, worst memory"
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    engines = {"headrace": sys.executable}
    if args.prefect_python:
        engines["prefect"] = args.prefect_python
    names = args.only or list(WORKLOADS_BY_NAME)
    results: dict[str, dict[str, dict]] = {engine: {} for engine in engines}
    for name in names:
        for engine, python in engines.items():
            runs = []
            for i in range(args.repeat):
                print(f"running {name} on {engine} ({i + 1})...", file=sys.stderr, flush=True)
                runs.append(run_workload(engine, python, name, args.quick))
            results[engine][name] = combine(runs)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print_table(results, list(engines))


if __name__ == "__main__":
    main()
