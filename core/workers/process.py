"""The local process worker.

Each tick a worker: heartbeats; marks Crashed the runs of workers whose heartbeat is older
than the heartbeat window; creates the next `schedule_ahead` scheduled runs of its pool's
deployments (unique per deployment and time, so two workers never duplicate them); applies
the missed-run policy; claims due runs atomically and starts each in a subprocess; and
marks Crashed a run whose subprocess died without recording an end.

Timing comes from the environment so tests can shrink it:
`HEADRACE_WORKER_HEARTBEAT_SECONDS` (default 10; a worker is dead after three missed
heartbeats) and `HEADRACE_WORKER_POLL_SECONDS` (default 2).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from headrace.deployments import records, scheduling
from headrace.run_records import new_run_id
from headrace.settings import get_current_settings
from headrace.store import get_store
from headrace.utilities import clock

logger = logging.getLogger("headrace.worker")

MISSED_HEARTBEATS = 3
#: while idle, a worker says it is waiting this often
_IDLE_REPORT_SECONDS = 300.0


def heartbeat_seconds() -> float:
    return get_current_settings().worker.heartbeat_seconds


def _poll_seconds() -> float:
    return get_current_settings().worker.poll_seconds


def reap_dead_workers(window: float | None = None) -> list[str]:
    """Mark Crashed the unfinished runs of workers silent for longer than `window` seconds
    (default: three heartbeats); returns the ids of the runs marked."""
    window = MISSED_HEARTBEATS * heartbeat_seconds() if window is None else window
    store = get_store()
    now = time.time()
    crashed = []
    for worker in store.deployments.silent_workers(now - window):
        runs = store.deployments.worker_unfinished_runs(worker["id"])
        silence = now - worker["heartbeat"]
        message = (
            f"Worker {worker['name']!r} stopped heartbeating {silence:.1f}s ago while "
            "running this flow run."
        )
        for run_id in runs:
            if records.set_run_state(run_id, "CRASHED", "Crashed", message):
                crashed.append(run_id)
        store.deployments.stop_worker(worker["id"])
    return crashed


def _death_signal_setter() -> Any:
    """A function for the child, run between fork and exec, that asks Linux to send it
    SIGTERM when the worker dies, so a run never outlives the worker that watches it.
    Resolved in the parent: a forked child must not import or allocate much."""
    try:
        import ctypes

        prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class ProcessWorker:
    """Runs the flow runs of one work pool in subprocesses of this process."""

    def __init__(
        self,
        work_pool_name: str,
        name: str | None = None,
        limit: int | None = None,
        schedule_ahead: int = 3,
    ) -> None:
        records.get_work_pool(work_pool_name)  # a clear error for an unknown pool
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1")
        self.work_pool_name = work_pool_name
        self.id = new_run_id()
        self.name = name or f"ProcessWorker {self.id[:8]}"
        self.limit = limit
        self.schedule_ahead = schedule_ahead
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self._stop = threading.Event()
        self._signals = 0
        self._registered = False
        self._preexec = _death_signal_setter()
        self._idle_since: float | None = None
        self._idle_said = 0.0

    # -- bookkeeping ----------------------------------------------------------------------
    def register(self) -> None:
        get_store().deployments.register_worker(
            self.id, self.name, self.work_pool_name, os.getpid()
        )
        self._registered = True

    def heartbeat(self) -> None:
        if not self._registered:
            self.register()
        get_store().deployments.heartbeat_worker(self.id)

    # -- one round ------------------------------------------------------------------------
    def tick(self) -> list[str]:
        """One round; returns the ids of the runs started."""
        from headrace.store.runs import RUN_OWNER

        self.heartbeat()
        reap_dead_workers()
        deployments = records.list_deployments(self.work_pool_name)
        now = clock.now()
        scheduling.schedule_runs(deployments, now, self.schedule_ahead)
        self.collect()
        free = None if self.limit is None else self.limit - len(self.children)
        if self.work_pool_name in get_store().automations.paused_work_pools():
            return []  # paused (PauseWorkPool): start nothing until resumed
        claimed = records.claim_due_runs([d.id for d in deployments], self.id, now, free, RUN_OWNER)
        paths = {d.id: d.path for d in deployments}
        for row in claimed:
            self._launch(row, paths.get(row["deployment_id"]))
        self._report_waiting(bool(claimed or self.children), deployments)
        return [row["id"] for row in claimed]

    def _report_waiting(self, busy: bool, deployments: list[Any]) -> None:
        """While idle, say so when it starts and every few minutes after: what the pool
        has and when its next scheduled run is due (a worker waiting is not a hung one)."""
        now = time.monotonic()
        if busy:
            self._idle_since = None
            return
        if self._idle_since is not None and now - self._idle_said < _IDLE_REPORT_SECONDS:
            return
        self._idle_since = self._idle_since or now
        self._idle_said = now
        ids = [d.id for d in deployments]
        due = get_store().deployments.next_scheduled_time(ids) if ids else None
        when = (
            "no run scheduled"
            if due is None
            else time.strftime("next scheduled run at %Y-%m-%d %H:%M:%S", time.localtime(due))
        )
        logger.info(
            "Waiting for runs of work pool %r: %d deployment(s), %s",
            self.work_pool_name,
            len(deployments),
            when,
        )

    def _launch(self, row: dict[str, Any], path: str | None) -> None:
        logger.info("Starting flow run %r (%s)", row["name"], row["id"])
        self.children[row["id"]] = subprocess.Popen(
            [sys.executable, "-m", "headrace.workers._execute", row["id"]],
            cwd=path if path and os.path.isdir(path) else None,
            preexec_fn=self._preexec,
            start_new_session=True,  # Ctrl+C in the worker's terminal must not hit the runs
        )

    def collect(self) -> None:
        """Forget finished subprocesses; a run left unfinished by its process is Crashed."""
        for run_id, child in list(self.children.items()):
            code = child.poll()
            if code is None:
                continue
            del self.children[run_id]
            if code != 0:
                records.set_run_state(
                    run_id,
                    "CRASHED",
                    "Crashed",
                    f"The flow run process exited with code {code} before the run ended.",
                )

    # -- the loop -------------------------------------------------------------------------
    def start(self, run_once: bool = False) -> None:
        """Poll until SIGINT/SIGTERM (or `stop()`); then wait for running flow runs
        (a second signal terminates them)."""
        restore = self._install_signal_handlers()
        logger.info("Worker %r started for pool %r", self.name, self.work_pool_name)
        from headrace.automations.evaluator import start_if_local

        evaluator = None if run_once else start_if_local()  # automations, without a server
        try:
            while not self._stop.is_set():
                self.tick()
                if run_once:
                    break
                self._stop.wait(min(_poll_seconds(), heartbeat_seconds()))
        finally:
            if evaluator is not None:
                evaluator.stop()
            self.shutdown()
            restore()

    def stop(self) -> None:
        self._stop.set()

    def shutdown(self) -> None:
        while self.children and self._signals < 2:
            self.collect()
            self.heartbeat()
            time.sleep(0.05)
        for child in self.children.values():
            child.terminate()
        for child in self.children.values():
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.collect()
        if self._registered:
            get_store().deployments.stop_worker(self.id)

    def _install_signal_handlers(self) -> Any:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def handle(signum: int, frame: Any) -> None:
            self._signals += 1
            self._stop.set()

        previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore
