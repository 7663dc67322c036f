"""Benchmark `headrace migrate` on generated trees of 2,000 files.

Targets (2 cores): files that mention prefect migrated at 30+ files/s end to end; files
that do not are skipped (never parsed) at 2,000+ files/s. Runs the real CLI in a
subprocess, so the numbers include start-up, the first pass, parallel workers and
writing. Usage: python benchmarks/bench_migrate.py [--files N] [-j N]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from headrace.migrate import all_rules
from headrace.migrate.runner import Options, run

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


def timed_cli(root: Path, jobs: int) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the command and its workers, summary line)."""
    exe = Path(sys.executable).with_name("headrace")
    args = [str(exe), "migrate", str(root), "--exit-zero-even-if-changed", "--target", "headrace"]
    if jobs:
        args += ["-j", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run(args, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"migrate failed ({proc.returncode}):\n{proc.stderr}")
    summary = next(line for line in proc.stderr.splitlines() if "Python files scanned" in line)
    return elapsed, cpu, summary


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
        cores = args.jobs or os.cpu_count() or 1
        runs = [
            ("legacy tree", legacy, "30+"),
            ("second run on the migrated tree", legacy, None),
            ("tree without prefect", plain, "2,000+"),
        ]
        for title, root, target in runs:
            elapsed, cpu, summary = timed_cli(root, args.jobs)
            goal = f" (target {target})" if target else ""
            print(
                f"{title}: {elapsed:.2f} s wall = {args.files / elapsed:.0f} files/s{goal}; "
                f"{cpu:.1f} CPU-s = {args.files / cpu * cores:.0f} files/s if {cores} cores "
                f"were free\n  {summary}"
            )
        options = Options(rules=tuple(all_rules()), write=False, jobs=args.jobs)
        start, cpu_start = time.perf_counter(), time.process_time()
        report = run([str(plain)], options)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        print(
            f"tree without prefect, in-process (no interpreter start-up or plugin loading): "
            f"{elapsed:.3f} s wall = {args.files / elapsed:.0f} files/s, {cpu:.3f} CPU-s = "
            f"{args.files / cpu:.0f} files/s on one core; "
            f"{report.count('skipped')} skipped (target 2,000+)"
        )
        print(
            f"(legacy tree: {args.files} files, {lines} lines; load average now "
            f"{os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
