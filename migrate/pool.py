"""Worker processes that take one file at a time, so that no file can take the run down.

A file whose parsing kills its worker (libcst's native parser overflowing the C stack on
deeply nested code), or that takes longer than the per-file timeout, comes back as a
`Crash` for that file; the worker is replaced and the other files go on. A pool from
`concurrent.futures` cannot do this: one dead worker breaks it for every pending file,
and it cannot stop a single stuck task.

Workers die with the command, also when it is killed with SIGKILL and has no chance to
clean up: on Linux the kernel sends them SIGKILL when their parent ends
(`PR_SET_PDEATHSIG`); elsewhere a thread in each worker watches the parent's pid.
"""

from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Crash:
    """A job whose worker died or ran out of time (the job's own errors are its result)."""

    message: str


@dataclass
class _Worker:
    process: Any
    conn: Connection
    job: Any = None
    deadline: float = 0.0


def run_isolated(
    jobs: Iterable[Any],
    func: Callable[[Any], Any],
    *,
    workers: int,
    timeout: float,
    init: Callable[..., None] = lambda: None,
    init_args: tuple = (),
) -> Iterator[tuple[Any, Any]]:
    """Yield `(job, func(job))` as workers finish, or `(job, Crash(...))`.

    `init(*init_args)` runs once in each worker before its first job. Closing the
    generator early stops the workers.
    """
    pending = deque(jobs)
    resent: set[int] = set()  # jobs already handed to a replacement worker once
    context = _context()
    pool: list[_Worker] = []
    try:
        for _ in range(min(workers, len(pending))):
            pool.append(_start(context, func, init, init_args))
        while pending or any(w.job is not None for w in pool):
            for index, worker in enumerate(pool):
                if worker.job is None and pending:
                    job = pending.popleft()
                    try:
                        worker.conn.send(job)
                    except OSError:  # it died while idle (OOM killer, ...): replace it
                        _stop(worker)
                        pool[index] = _start(context, func, init, init_args)
                        if id(job) in resent:
                            yield job, Crash("no worker process could take it (they die at start)")
                        else:
                            resent.add(id(job))
                            pending.appendleft(job)
                        continue
                    worker.job, worker.deadline = job, time.monotonic() + timeout
            busy = [w for w in pool if w.job is not None]
            if not busy:
                continue
            left = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], left))
            for index, worker in enumerate(pool):
                job = worker.job
                if job is None:
                    continue
                if worker.conn in ready:
                    try:
                        result = worker.conn.recv()
                    except (EOFError, OSError):
                        result = None
                    else:
                        worker.job = None
                        yield job, result
                        continue
                if worker.process.sentinel in ready or worker.conn in ready:
                    worker.process.join(1.0)
                    crash = Crash(_death(worker.process.exitcode))
                elif time.monotonic() >= worker.deadline:
                    crash = Crash(f"took longer than {timeout:g}s (the per-file timeout)")
                else:
                    continue
                _stop(worker)
                pool[index] = _start(context, func, init, init_args)
                yield job, crash
    finally:
        for worker in pool:
            _stop(worker, gently=worker.job is None)


def _context():
    # fork: workers start in milliseconds with the rules and libcst already imported,
    # and rule classes defined anywhere (tests, scripts) need no pickling by name
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _start(context, func, init, init_args) -> _Worker:
    parent_end, child_end = context.Pipe()
    process = context.Process(
        target=_serve,
        args=(child_end, os.getpid(), func, init, init_args),
        daemon=True,
        name="headrace-migrate-worker",
    )
    process.start()
    child_end.close()
    return _Worker(process, parent_end)


def _stop(worker: _Worker, gently: bool = False) -> None:
    """End a worker: a busy or stuck one is killed, an idle one told to leave."""
    process = worker.process
    if gently and process.is_alive():
        try:
            worker.conn.send(None)
        except OSError:
            pass
        process.join(1.0)
    if process.is_alive():
        process.kill()
        process.join()
    worker.conn.close()
    process.close()


def _death(exitcode: int | None) -> str:
    if exitcode is None:
        return "the worker process parsing it closed its pipe and stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the worker process parsing it died ({name}; for example a C stack overflow)"
    return f"the worker process parsing it exited (status {exitcode})"


def _serve(conn: Connection, parent: int, func, init, init_args) -> None:
    """A worker's life: follow the parent's death, then run jobs until told to stop."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    faulthandler.disable()  # a crash is the parent's to report, without a C traceback
    init(*init_args)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(func(job))


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # it died before prctl took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
