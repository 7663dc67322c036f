"""Benchmark the test harness: enter/exit cost, and a 20-test pytest process.

    python benchmarks/bench_harness.py [--prefect-python /tmp/venv-prefect3/bin/python]

1. In process: `headrace_test_harness()` enter + exit, empty and around a one-task flow
   (the flow's own time subtracted), median and p95, for the default file store and the
   in-memory one.
2. A whole pytest process: a file of 20 tests, each running a one-task flow in a fresh
   function-scoped harness (`headrace_harness = function`), with headrace's plugin only
   (autoload off); wall time and CPU time of the process. On a shared machine the wall
   time stretches with the load average, which is printed first; CPU time does not.
3. With a Prefect interpreter: the same 20-test file under `prefect_test_harness`, in the
   session-scoped fixture Prefect's docs recommend (a harness per test would take
   minutes), and the time of one harness enter + exit. That interpreter needs no pytest of
   its own: this venv's pytest is lent to it on PYTHONPATH, with plugin autoload off.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_PREFECT_PYTHON = "/tmp/venv-prefect3/bin/python"
TEST_COUNT = 20
PYTEST_BUDGET_SECONDS = 3.0
#: Prefect's default is 30 s, which its harness can miss on a loaded machine
PREFECT_STARTUP_TIMEOUT = 180

FLOW_MODULE = """
from {root} import flow, task


@task
def add_one(x: int) -> int:
    return x + 1


@flow
def one_task_flow(x: int) -> int:
    return add_one(x)
"""

PREFECT_CONFTEST = """
import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(autouse=True, scope="session")
def prefect_harness():
    with prefect_test_harness(server_startup_timeout=STARTUP_TIMEOUT):
        yield
"""

PREFECT_ENTER_EXIT = """
import time
from prefect.testing.utilities import prefect_test_harness

start = time.perf_counter()
with prefect_test_harness(server_startup_timeout=STARTUP_TIMEOUT):
    entered = time.perf_counter()
print(f"{entered - start:.3f} {time.perf_counter() - entered:.3f}")
"""


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered) * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms"


def bench_in_process(iterations: int) -> None:
    import logging

    from headrace import flow, task
    from headrace.testing.utilities import headrace_test_harness

    @task
    def add_one(x: int) -> int:
        return x + 1

    @flow
    def one_task_flow(x: int) -> int:
        return add_one(x)

    with headrace_test_harness():
        one_task_flow(0)  # imports and the template database, once per process
    logging.getLogger("headrace").setLevel(logging.WARNING)  # keep the console quiet
    print("headrace_test_harness(), in process:")
    for database in (None, ":memory:"):
        empty, around_flow = [], []
        for _ in range(iterations):
            start = time.perf_counter()
            with headrace_test_harness(database):
                pass
            empty.append(time.perf_counter() - start)
            start = time.perf_counter()
            with headrace_test_harness(database):
                flow_start = time.perf_counter()
                one_task_flow(1)
                flow_time = time.perf_counter() - flow_start
            around_flow.append(time.perf_counter() - start - flow_time)
        label = "file store" if database is None else "in memory "
        print(f"  {label} enter+exit, empty:            {_percentiles(empty)}")
        print(f"  {label} enter+exit, around one flow:  {_percentiles(around_flow)}")


def _write_suite(directory: Path, root: str | None) -> None:
    """20 tests each running a one-task flow of `root` (headrace or prefect); with None,
    20 tests that only add numbers: the cost of Python and pytest themselves."""
    directory.mkdir(parents=True)
    if root is None:
        tests = [
            f"\n\ndef test_plain_{n}():\n    assert {n} + 1 == {n + 1}\n" for n in range(TEST_COUNT)
        ]
    else:
        (directory / "bench_flows.py").write_text(FLOW_MODULE.format(root=root))
        tests = ["from bench_flows import one_task_flow\n"]
        tests += [
            f"\n\ndef test_flow_{n}():\n    assert one_task_flow({n}) == {n + 1}\n"
            for n in range(TEST_COUNT)
        ]
    (directory / "test_bench.py").write_text("".join(tests))
    ini = ["[pytest]", "addopts = -p no:cacheprovider"]
    if root == "headrace":
        ini.append("headrace_harness = function")
    elif root == "prefect":
        conftest = PREFECT_CONFTEST.replace("STARTUP_TIMEOUT", str(PREFECT_STARTUP_TIMEOUT))
        (directory / "conftest.py").write_text(conftest)
    (directory / "pytest.ini").write_text("\n".join(ini) + "\n")


def _run_pytest(
    python: str, directory: Path, args: list[str], env: dict[str, str]
) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one pytest process."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(
        [python, "-m", "pytest", "-q", *args],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu_before
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    if result.returncode != 0 or f"{TEST_COUNT} passed" not in summary:
        raise SystemExit(f"pytest failed in {directory}:\n{result.stdout[-3000:]}{result.stderr}")
    return elapsed, cpu


def _output(command: list[str], env: dict[str, str]) -> str:
    """stdout of a command; its stderr's tail if it fails (e.g. a server that never started)."""
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout.strip()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_pytest(workdir: Path, runs: int) -> None:
    suite = workdir / "headrace-suite"
    _write_suite(suite, "headrace")
    # plugin autoload off: the suite runs with headrace's plugin only, whatever else is
    # installed in this venv (the integration packages' plugins, hypothesis)
    env = {
        **os.environ,
        "HEADRACE_HOME": str(workdir / "home"),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    baseline = workdir / "plain-suite"
    _write_suite(baseline, None)
    print(f"\npytest process, {TEST_COUNT} tests x one-task flow, a fresh harness per test:")
    for label, directory, args in (
        ("pytest alone, 20 plain tests", baseline, []),
        ("headrace", suite, ["-p", "headrace.testing.pytest_plugin"]),
    ):
        runs_taken = [_run_pytest(sys.executable, directory, args, env) for _ in range(runs)]
        wall = statistics.median(run[0] for run in runs_taken)
        best = min(run[0] for run in runs_taken)
        cpu = statistics.median(run[1] for run in runs_taken)
        print(f"  {label:29s} wall median {wall:5.2f} s, best {best:5.2f} s; CPU {cpu:5.2f} s")
    verdict = "within" if wall < PYTEST_BUDGET_SECONDS else "OVER"
    print(f"  (headrace's median wall time is {verdict} the {PYTEST_BUDGET_SECONDS:.0f} s budget)")


def _lend_pytest(workdir: Path) -> Path:
    """A directory holding links to this venv's pytest, for an interpreter without it."""
    import _pytest
    import iniconfig
    import py
    import pytest

    lent = workdir / "lent-pytest"
    lent.mkdir()
    for module in (pytest, _pytest, iniconfig):
        source = Path(module.__file__).parent
        (lent / source.name).symlink_to(source)
    (lent / "py.py").symlink_to(py.__file__)  # pytest's shim for the retired `py` library
    return lent


def bench_prefect(python: str, workdir: Path) -> None:
    lent = _lend_pytest(workdir)
    env = {
        **os.environ,
        "PYTHONPATH": str(lent),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PREFECT_HOME": str(workdir / "prefect-home"),
    }
    version = _output([python, "-c", "import prefect; print(prefect.__version__)"], env)
    print(f"\nPrefect {version} ({python}):")
    script = PREFECT_ENTER_EXIT.replace("STARTUP_TIMEOUT", str(PREFECT_STARTUP_TIMEOUT))
    enter, leave = _output([python, "-c", script], env).split()
    print(f"  prefect_test_harness() enter {float(enter):6.2f} s   exit {float(leave):6.2f} s")
    suite = workdir / "prefect-suite"
    _write_suite(suite, "prefect")
    wall, cpu = _run_pytest(python, suite, [], env)
    print(f"  prefect, a session-scoped harness: pytest wall {wall:6.2f} s; CPU {cpu:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--pytest-runs", type=int, default=3)
    parser.add_argument(
        "--prefect-python",
        default=DEFAULT_PREFECT_PYTHON if Path(DEFAULT_PREFECT_PYTHON).exists() else None,
        help=f"a Python with Prefect installed (default: {DEFAULT_PREFECT_PYTHON} if present)",
    )
    args = parser.parse_args()
    # on a shared machine wall times stretch with the load; CPU times show the work done
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n")
    bench_in_process(args.iterations)
    with tempfile.TemporaryDirectory(prefix="bench-harness-") as tmp:
        bench_pytest(Path(tmp), args.pytest_runs)
        if args.prefect_python:
            bench_prefect(args.prefect_python, Path(tmp))
        else:
            print("\n(no Prefect interpreter given: pass --prefect-python to compare)")


if __name__ == "__main__":
    main()
