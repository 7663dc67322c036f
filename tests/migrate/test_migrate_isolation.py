"""migrate isolates every file: real parser crashes, deep nesting, stuck files, FIFOs and
sockets, and a killed command that must leave no worker process behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from headrace.migrate.files import NotRegularFile, read_regular
from headrace.migrate.pool import Crash, run_isolated
from headrace.migrate.runner import Options, run

LEGACY = "from prefect import task\n\n@task(max_retries=1)\ndef f():\n    pass\n"
MIGRATED = LEGACY.replace("max_retries", "retries")
#: libcst's native parser overflows the C stack on this (SIGSEGV in the worker)
CRASHES_LIBCST = "import prefect\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
#: ast.parse raises RecursionError on this; libcst needs seconds for it
TOO_DEEP_FOR_AST = "import prefect\nx = " + "not " * 3000 + "x\n"
#: libcst needs far longer than a test waits for this (cubic in the length)
SLOW_FOR_LIBCST = "import prefect\nx = 1" + "+1" * 3000 + "\n"


def _tree(tmp_path: Path, **files: str) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def _statuses(report) -> dict[str, tuple[str, str | None]]:
    return {Path(f.path).name: (f.status, f.error) for f in report.files}


def test_a_file_that_crashes_the_parser_fails_alone(tmp_path, cli) -> None:
    root = _tree(tmp_path, **{"a.py": LEGACY, "deep.py": CRASHES_LIBCST, "z.py": LEGACY})
    result = cli("migrate", str(root), "--target", "prefect", "-j", "1")
    assert result.exit_code == 2
    assert "deep.py: the worker process parsing it died (SIGSEGV" in result.output
    assert (root / "a.py").read_text() == MIGRATED
    assert (root / "z.py").read_text() == MIGRATED  # migrated after the crash, same -j 1
    assert (root / "deep.py").read_text() == CRASHES_LIBCST


def test_a_file_ast_cannot_parse_does_not_stop_the_run(tmp_path) -> None:
    root = _tree(tmp_path, **{"good.py": LEGACY, "deep.py": TOO_DEEP_FOR_AST})
    report = run([str(root)], Options(target="prefect", jobs=2, timeout=1.0))
    statuses = _statuses(report)
    assert statuses["good.py"] == ("changed", None)
    status, error = statuses["deep.py"]
    assert status == "failed"
    assert "per-file timeout" in error or "nested too deeply" in error
    assert (root / "deep.py").read_text() == TOO_DEEP_FOR_AST


def test_a_file_over_the_timeout_fails_and_its_worker_is_replaced(tmp_path) -> None:
    root = _tree(tmp_path, **{"a.py": LEGACY, "slow.py": SLOW_FOR_LIBCST, "b.py": LEGACY})
    started = time.monotonic()
    report = run([str(root)], Options(target="prefect", jobs=1, timeout=0.5))
    assert time.monotonic() - started < 20
    statuses = _statuses(report)
    assert statuses["slow.py"] == ("failed", "took longer than 0.5s (the per-file timeout)")
    assert statuses["a.py"] == statuses["b.py"] == ("changed", None)


def _crash_on(job: str) -> str:
    if job == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    if job == "exit":
        os._exit(3)
    if job == "hang":
        time.sleep(60)
    return job.upper()


def test_the_pool_recovers_from_dead_and_stuck_workers() -> None:
    jobs = ["a", "segv", "b", "exit", "hang", "c"]
    results = dict(run_isolated(jobs, _crash_on, workers=2, timeout=0.5))
    assert results["a"] == "A" and results["b"] == "B" and results["c"] == "C"
    assert results["segv"] == Crash(
        "the worker process parsing it died (SIGSEGV; for example a C stack overflow)"
    )
    assert results["exit"] == Crash("the worker process parsing it exited (status 3)")
    assert results["hang"] == Crash("took longer than 0.5s (the per-file timeout)")


def test_fifos_and_sockets_are_listed_and_never_opened(tmp_path) -> None:
    root = _tree(tmp_path, **{"good.py": LEGACY})
    os.mkfifo(root / "pipe.py")
    os.mkfifo(root / "Makefile")  # a scanned text name
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "sock.py"))
    try:
        process = subprocess.run(
            [sys.executable, "-m", "headrace", "migrate", str(root), "--target", "prefect"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.close()
    assert process.returncode == 1, process.stderr
    assert f"not read {root}/pipe.py: a FIFO, not a regular file" in process.stderr
    assert f"not read {root}/Makefile: a FIFO, not a regular file" in process.stderr
    assert f"not read {root}/sock.py: a socket, not a regular file" in process.stderr
    assert (root / "good.py").read_text() == MIGRATED


def test_a_fifo_swapped_in_after_discovery_is_refused_without_blocking(tmp_path) -> None:
    fifo = tmp_path / "late.py"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: _capture(outcome, fifo), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "read_regular blocked on a FIFO"
    assert isinstance(outcome[0], NotRegularFile)


def _capture(outcome: list, path: Path) -> None:
    try:
        read_regular(path)
    except BaseException as exc:
        outcome.append(exc)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie is dead, waiting for PID 1 to reap it


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_command_leaves_no_worker_behind(tmp_path, how) -> None:
    root = _tree(tmp_path, **{"slow1.py": SLOW_FOR_LIBCST, "slow2.py": SLOW_FOR_LIBCST})
    command = [sys.executable, "-m", "headrace", "migrate", str(root), "-j", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
            workers = _children(process.pid)
            time.sleep(0.02)
        assert len(workers) == 2, "the workers never started"
        process.send_signal(how)
        process.wait(30)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not [pid for pid in workers if _alive(pid)], "workers outlived the command"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (root / "slow1.py").read_text() == SLOW_FOR_LIBCST


def _die_at_start() -> None:
    os._exit(4)


def test_workers_that_die_at_start_fail_each_job_and_end_the_run() -> None:
    results = dict(
        run_isolated(["a", "b", "c"], str.upper, workers=2, timeout=5, init=_die_at_start)
    )
    assert sorted(results) == ["a", "b", "c"]
    assert all(isinstance(result, Crash) for result in results.values())
