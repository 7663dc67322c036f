"""Artifacts, headrace and Prefect 3 side by side: create, update and read per call.

    python benchmarks/bench_artifacts.py                     # headrace only
    python benchmarks/bench_artifacts.py --prefect-python /tmp/venv-prefect3/bin/python
    python benchmarks/bench_artifacts.py --n 50              # fewer calls

One workload (`workloads/artifacts.py`, written against prefect, rewritten for headrace as
bench_core does) in a fresh subprocess and home per engine; Prefect uses its ephemeral
local server, as a new user's script would.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import WORKLOADS_BY_NAME, Workload, run_workload  # noqa: E402

WORKLOADS_BY_NAME["artifacts"] = Workload("artifacts.py", ("200",), ("50",), 900)

ROWS = [
    ("create_s", "create_markdown_artifact (keyed)"),
    ("update_s", "update_progress_artifact"),
    ("get_s", "Artifact.get(key)"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefect-python", help="an interpreter with prefect installed")
    parser.add_argument("--quick", action="store_true", help="50 calls instead of 200")
    args = parser.parse_args()
    engines = {"headrace": sys.executable}
    if args.prefect_python:
        engines["prefect"] = args.prefect_python
    results = {
        name: run_workload(name, python, "artifacts", args.quick)
        for name, python in engines.items()
    }
    for name, result in results.items():
        if "error" in result:
            print(f"{name}: {result['error']}")
    print(
        "| per call | "
        + " | ".join(engines)
        + (" | prefect / headrace |" if len(engines) > 1 else " |")
    )
    print("|---" * (len(engines) + 1 + (len(engines) > 1)) + "|")
    for key, label in ROWS:
        values = [results[name].get(key) for name in engines]
        cells = [f"{v * 1e3:.2f} ms" if isinstance(v, float) else "-" for v in values]
        if len(values) == 2 and all(isinstance(v, float) for v in values):
            cells.append(f"{values[1] / values[0]:.1f}x")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
