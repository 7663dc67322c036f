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
from pathlib import Path
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

    def __init__(
        self,
        name: str | None = None,
        pause_on_shutdown: bool = True,
        limit: int | None = None,
        schedule_ahead: int = 3,
        **_ignored: Any,
    ) -> None:
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1")
        self.name = name
        self.pause_on_shutdown = pause_on_shutdown
        self.limit = limit
        self.schedule_ahead = schedule_ahead
        self.id = f"serve:{os.getpid()}:{new_run_id()[:8]}"
        self.flows: dict[str, Any] = {}
        self.deployments: list[records.DeploymentRecord] = []
        self.threads: dict[str, threading.Thread] = {}
        self._stop = threading.Event()
        self._signals = 0

    def add_deployment(self, deployment: RunnerDeployment) -> str:
        """Save `deployment` and run its runs from now on; returns its id."""
        flow = deployment.load_flow()
        deployment_id = deployment.apply()
        self.flows[deployment_id] = flow
        self.deployments.append(records.get_deployment(deployment_id))
        return deployment_id

    def add_flow(
        self, flow: Any, name: str | None = None, **options: Unpack[DeploymentOptions]
    ) -> str:
        """`add_deployment(flow.to_deployment(name, **options))`."""
        return self.add_deployment(to_deployment(flow, name=name, **options))

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

    # -- the loop ---------------------------------------------------------------------------
    async def start(self, run_once: bool = False, webserver: bool | None = None) -> None:
        """Serve until stopped (by `stop()`, SIGINT/SIGTERM or cancelling the awaiting task),
        then shut down cleanly; `run_once` starts the runs due now, waits for them and stops.
        The loop runs in a worker thread, so the event loop stays free."""
        import asyncio

        restore = self._install_signal_handlers()
        try:
            loop = asyncio.ensure_future(asyncio.to_thread(self._serve, run_once))
            try:
                await asyncio.shield(loop)
            except asyncio.CancelledError:
                self.stop()
                await loop
                raise
        finally:
            restore()

    def _serve(self, run_once: bool) -> None:
        from headrace.automations.evaluator import start_if_local

        evaluator = start_if_local()  # automations, when there is no server to run them
        try:
            while not self._stop.is_set():
                self.tick()
                if run_once:
                    self.join()
                    break
                self._stop.wait(self.next_wake())
        finally:
            if evaluator is not None:
                evaluator.stop()
            self.shutdown()

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
            if self.pause_on_shutdown:
                store.deployments.set_paused(record.id, True)

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
    deployments: tuple[RunnerDeployment, ...],
    limit: int | None,
    pause_on_shutdown: bool,
    print_starting_message: bool,
) -> Runner:
    from headrace.runner import Runner  # looked up here: tests may replace it

    runner = Runner(pause_on_shutdown=pause_on_shutdown, limit=limit)
    for deployment in deployments:
        if not isinstance(deployment, RunnerDeployment):
            raise TypeError(f"serve() takes flow.to_deployment(...) objects, not {deployment!r}")
        runner.add_deployment(deployment)
    if print_starting_message:
        names = ", ".join(f"'{d.flow_name}/{d.name}'" for d in deployments)
        print(f"Your deployments are being served: {names}. Press Ctrl+C to stop.", flush=True)
    return runner


def _run_until_stopped(start: Any) -> None:
    """Run `runner.start()` from sync code; Ctrl+C ends it quietly."""
    import asyncio

    from headrace.utilities.asyncutils import in_async_context

    if in_async_context():
        raise RuntimeError("Cannot call `serve` in an asynchronous context. Use `aserve` instead.")
    try:
        asyncio.run(start)
    except KeyboardInterrupt:
        logger.info("Received KeyboardInterrupt, shutting down...")


def serve(
    *deployments: RunnerDeployment,
    pause_on_shutdown: bool = True,
    print_starting_message: bool = True,
    limit: int | None = None,
    **_ignored: Any,
) -> None:
    """Serve several deployments from this process until SIGINT/SIGTERM."""
    runner = _runner_for(deployments, limit, pause_on_shutdown, print_starting_message)
    _run_until_stopped(runner.start())


async def aserve(
    *deployments: RunnerDeployment,
    pause_on_shutdown: bool = True,
    print_starting_message: bool = True,
    limit: int | None = None,
    **_ignored: Any,
) -> None:
    """`serve` for async code: stops cleanly when the awaiting task is cancelled (e.g. by
    Ctrl+C under `asyncio.run`)."""
    import asyncio

    runner = await asyncio.to_thread(
        _runner_for, deployments, limit, pause_on_shutdown, print_starting_message
    )
    await runner.start()


def serve_flow(
    flow: Any,
    name: str | None = None,
    *,
    limit: int | None = None,
    pause_on_shutdown: bool = True,
    print_starting_message: bool = True,
    global_limit: int | Any = None,
    **options: Any,
) -> None:
    """`Flow.serve`: deploy this flow under `name` (a path to a file names it by its stem)
    and run its scheduled and requested runs in this process until stopped; `options` are
    `to_deployment`'s. `global_limit` caps concurrent runs of the deployment."""
    from headrace.runner import Runner  # looked up here: tests may replace it

    if not name:
        name = flow.name
    elif Path(name).is_file():
        name = Path(name).stem
    runner = Runner(name=name, pause_on_shutdown=pause_on_shutdown, limit=limit)
    runner.add_flow(flow, name=name, concurrency_limit=global_limit, **options)
    if print_starting_message:
        print(
            f"Your flow {flow.name!r} is being served and polling for scheduled runs!\n\n"
            "To trigger a run for this flow, use the following command:\n\n"
            f"\t$ headrace deployment run '{flow.name}/{name}'\n",
            flush=True,
        )
    _run_until_stopped(runner.start())
