"""Benchmark `headrace migrate` on generated trees of 2,000 files.

Targets (2 cores): files that mention prefect migrated at 30+ files/s end to end; files
that do not are skipped (never parsed) at 2,000+ files/s. Runs the real CLI in a
subprocess, so the numbers include start-up, the first pass, parallel workers and
writing. Usage: python benchmarks/bench_migrate.py [--files N] [-j N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LEGACY_1X = '''"""Generated legacy 1.x flow number {n}."""
from datetime import timedelta

import prefect
from prefect import Flow, Parameter, case, task
from prefect.executors import LocalDaskExecutor
from prefect.schedules import IntervalSchedule
from prefect.tasks.control_flow import merge


@task(max_retries=3, retry_delay=timedelta(minutes=1), log_stdout=True)
def extract_{n}(limit):
    logger = prefect.context.get("logger")
    logger.info("extracting %s", limit)
    return list(range(limit))


@task(timeout=60, checkpoint=False)
def transform_{n}(rows):
    return [r * {n} for r in rows]


@task
def is_large_{n}(rows):
    return len(rows) > 10


@task
def load_{n}(rows, table):
    print(f"loading {{len(rows)}} rows into {{table}}")
    return len(rows)


@task
def skip_{n}(rows):
    return 0


schedule = IntervalSchedule(interval=timedelta(hours={hours}))

with Flow("etl-{n}", executor=LocalDaskExecutor(scheduler="threads", num_workers=4),
          schedule=schedule) as flow:
    limit = Parameter("limit", default={n})
    table = Parameter("table", default="t_{n}")
    rows = extract_{n}(limit)
    clean = transform_{n}(rows, upstream_tasks=[rows])
    large = is_large_{n}(clean)
    with case(large, True):
        loaded = load_{n}(clean, table)
    with case(large, False):
        skipped = skip_{n}(clean)
    total = merge(loaded, skipped)

if __name__ == "__main__":
    flow.run(parameters={{"limit": 5}})
'''

LEGACY_2X = '''"""Generated legacy 2.x flow number {n}."""
from prefect import flow, get_run_logger, task
from prefect.deployments import Deployment
from prefect.server.schemas.schedules import CronSchedule
from prefect.task_runners import ConcurrentTaskRunner


@task(retries=2, retry_delay_seconds=5)
def fetch_{n}(x: int) -> int:
    return x + {n}


@task
def combine_{n}(values: list[int]) -> int:
    return sum(values)


@flow(name="flow-{n}", task_runner=ConcurrentTaskRunner())
def flow_{n}(count: int = 4) -> int:
    logger = get_run_logger()
    futures = [fetch_{n}.submit(i) for i in range(count)]
    states = [f.get_state() for f in futures]
    logger.info("%s submitted", len(states))
    result = combine_{n}([f.result() for f in futures])
    return result


def deploy_{n}() -> None:
    deployment = Deployment.build_from_flow(
        flow=flow_{n},
        name="nightly-{n}",
        work_queue_name="default",
        schedule=CronSchedule(cron="0 {hours} * * *", timezone="UTC"),
        infra_overrides={{"env.MODE": "prod"}},
    )
    deployment.apply()
'''

PLAIN = '''"""Generated module {n} that has nothing to do with workflows."""
import json


def load_{n}(path):
    with open(path) as handle:
        return json.load(handle)


def total_{n}(values):
    return sum(v * {n} for v in values)
'''


def generate(root: Path, files: int, template: str | None) -> None:
    for n in range(files):
        folder = root / f"pkg{n // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        text = template or (LEGACY_1X if n % 2 == 0 else LEGACY_2X)
        (folder / f"mod{n}.py").write_text(text.format(n=n, hours=n % 23 + 1))


def timed_cli(root: Path, jobs: int) -> tuple[float, str]:
    exe = Path(sys.executable).with_name("headrace")
    args = [str(exe), "migrate", str(root), "--exit-zero-even-if-changed", "--target", "headrace"]
    if jobs:
        args += ["-j", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"migrate failed ({proc.returncode}):\n{proc.stderr}")
    summary = next(line for line in proc.stderr.splitlines() if "Python files scanned" in line)
    return elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("-j", "--jobs", type=int, default=0, help="0 = all cores")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, files per tree: {args.files}")
    with tempfile.TemporaryDirectory() as tmp:
        legacy, plain = Path(tmp, "legacy"), Path(tmp, "plain")
        generate(legacy, args.files, None)
        generate(plain, args.files, PLAIN)
        lines = sum(len(p.read_text().splitlines()) for p in legacy.rglob("*.py"))
        elapsed, summary = timed_cli(legacy, args.jobs)
        print(f"legacy tree ({lines} lines): {elapsed:.1f} s, {args.files / elapsed:.0f} files/s "
              f"(target 30+)\n  {summary}")
        again, summary = timed_cli(legacy, args.jobs)
        print(f"second run on the migrated tree: {again:.1f} s, {args.files / again:.0f} files/s"
              f"\n  {summary}")
        elapsed, summary = timed_cli(plain, args.jobs)
        print(f"tree without prefect: {elapsed:.2f} s, {args.files / elapsed:.0f} files/s "
              f"(target 2,000+)\n  {summary}")


if __name__ == "__main__":
    main()
