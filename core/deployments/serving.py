"""`serve`: run deployments on their schedules in this process.

`serve` keeps a loop that, every tick, creates the next scheduled runs in the store, applies
the missed-run policy (see `headrace.deployments.scheduling`), claims the due runs and runs
each in a thread of this process. SIGINT/SIGTERM stop it: no new runs start, running flows
get `HEADRACE_SERVE_SHUTDOWN_GRACE_SECONDS` (default 30) to finish and are then marked
Cancelled; a second signal skips the wait. Unstarted scheduled runs of the served
deployments are removed on the way out, so a restart resumes at the next occurrence.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import Any, Unpack

from headrace.deployments import records, scheduling
from headrace.deployments.deployment import DeploymentOptions, RunnerDeployment, to_deployment
from headrace.deployments.execution import run_stored_flow_run
from headrace.exceptions import Pause
from headrace.run_records import new_run_id
from headrace.settings import get_current_settings
from headrace.store import get_store
from headrace.store.runs import RUN_OWNER
from headrace.utilities import clock

logger = logging.getLogger("headrace.serve")


class Runner:
    """Runs the scheduled and requested runs of some deployments in threads of this process.

    `tick()` does one round (create upcoming runs, skip missed ones, start due ones) at the
    time of `headrace.utilities.clock`, so tests drive it with a fake clock; `start()` loops.
    """

    def __init__(self, limit: int | None = None, schedule_ahead: int = 3) -> None:
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.schedule_ahead = schedule_ahead
        self.id = f"serve:{os.getpid()}:{new_run_id()[:8]}"
        self.flows: dict[str, Any] = {}
        self.deployments: list[records.DeploymentRecord] = []
        self.threads: dict[str, threading.Thread] = {}
        self._stop = threading.Event()
        self._signals = 0

    def add_deployment(self, deployment: RunnerDeployment) -> str:
        deployment_id = deployment.apply()
        self.flows[deployment_id] = deployment.flow
        self.deployments.append(records.get_deployment(deployment_id))
        return deployment_id

    # -- one round ------------------------------------------------------------------------
    def running(self) -> list[str]:
        return [run_id for run_id, thread in self.threads.items() if thread.is_alive()]

    def tick(self) -> list[str]:
        """One round at the current clock time; returns the ids of the runs started."""
        now = clock.now()
        self.threads = {run_id: self.threads[run_id] for run_id in self.running()}
        scheduling.schedule_runs(self.deployments, now, self.schedule_ahead)
        free = None if self.limit is None else self.limit - len(self.threads)
        claimed = records.claim_due_runs(
            [record.id for record in self.deployments], self.id, now, free, RUN_OWNER
        )
        for row in claimed:
            thread = threading.Thread(
                target=self._run, args=(row,), name=f"headrace-serve-{row['name']}", daemon=True
            )
            self.threads[row["id"]] = thread
            thread.start()
        return [row["id"] for row in claimed]

    def _run(self, row: dict[str, Any]) -> None:
        flow = self.flows[row["deployment_id"]]
        try:
            run_stored_flow_run(flow, row)
        except records.RunRejected as exc:
            logger.error("Flow run %r could not start: %s", row["name"], exc)
        except Pause:  # suspend_flow_run(): resuming makes it due again, here or elsewhere
            logger.info("Flow run %r suspended", row["name"])
        except BaseException as exc:  # noqa: BLE001 - the engine recorded the run's end
            logger.error("Flow run %r ended with %r", row["name"], exc)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the running flows; True if all finished."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in list(self.threads.values()):
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(remaining)
        return not self.running()

    def next_wake(self) -> float:
        """Seconds until the next scheduled run of these deployments (capped by the poll)."""
        poll = get_current_settings().serve.poll_seconds
        ids = [record.id for record in self.deployments]
        if not ids:
            return poll
        due = get_store().deployments.next_scheduled_time(ids)
        if due is None:
            return poll
        return max(0.0, min(poll, due - clock.now()))

    # -- the loop -------------------------------------------------------------------------
    def start(self) -> None:
        """Loop until stopped (by `stop()` or SIGINT/SIGTERM), then shut down cleanly."""
        restore = self._install_signal_handlers()
        from headrace.automations.evaluator import start_if_local

        evaluator = start_if_local()  # automations, when there is no server to run them
        try:
            while not self._stop.is_set():
                self.tick()
                self._stop.wait(self.next_wake())
        finally:
            if evaluator is not None:
                evaluator.stop()
            self.shutdown()
            restore()

    def stop(self) -> None:
        self._stop.set()

    def shutdown(self) -> None:
        """Let running flows finish within the grace period, cancel the rest, drop unstarted
        scheduled runs."""
        grace = get_current_settings().serve.shutdown_grace_seconds
        deadline = time.monotonic() + grace
        while self.running() and time.monotonic() < deadline and self._signals < 2:
            self.join(min(0.1, max(0.0, deadline - time.monotonic())))
        store = get_store()
        store.flush()
        for run_id in self.running():
            records.set_run_state(
                run_id, "CANCELLED", "Cancelled", "The serve process shut down during the run."
            )
        for record in self.deployments:
            store.deployments.drop_unstarted_runs(record.id)

    def _install_signal_handlers(self) -> Any:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def handle(signum: int, frame: Any) -> None:
            self._signals += 1
            if self._signals == 1:
                logger.info("Received %s: finishing running flows", signal.Signals(signum).name)
            self._stop.set()

        previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore


def _runner_for(
    deployments: tuple[RunnerDeployment, ...], limit: int | None, print_starting_message: bool
) -> Runner:
    runner = Runner(limit=limit)
    for deployment in deployments:
        if not isinstance(deployment, RunnerDeployment):
            raise TypeError(f"serve() takes flow.to_deployment(...) objects, not {deployment!r}")
        runner.add_deployment(deployment)
    if print_starting_message:
        names = ", ".join(f"'{d.flow_name}/{d.name}'" for d in deployments)
        print(f"Your deployments are being served: {names}. Press Ctrl+C to stop.", flush=True)
    return runner


def serve(
    *deployments: RunnerDeployment,
    limit: int | None = None,
    print_starting_message: bool = True,
    **_ignored: Any,
) -> None:
    """Serve several deployments from this process until SIGINT/SIGTERM."""
    _runner_for(deployments, limit, print_starting_message).start()


async def aserve(
    *deployments: RunnerDeployment,
    limit: int | None = None,
    print_starting_message: bool = True,
    **_ignored: Any,
) -> None:
    """`serve` for async code: the loop runs in a worker thread and stops cleanly when the
    awaiting task is cancelled (e.g. by Ctrl+C under `asyncio.run`)."""
    import asyncio

    runner = _runner_for(deployments, limit, print_starting_message)
    loop = asyncio.ensure_future(asyncio.to_thread(runner.start))
    try:
        await asyncio.shield(loop)
    except asyncio.CancelledError:
        runner.stop()
        await loop
        raise


def serve_flow(
    flow: Any,
    name: str | None = None,
    *,
    limit: int | None = None,
    print_starting_message: bool = True,
    **options: Unpack[DeploymentOptions],
) -> None:
    """`Flow.serve`: deploy this flow under `name` and run it on its schedule until stopped;
    `options` are `DeploymentOptions`."""
    deployment = to_deployment(flow, name=name, **options)
    serve(deployment, limit=limit, print_starting_message=print_starting_message)
