"""`DaskTaskRunner`: run each submitted task's function on a Dask cluster.

The engine stays in the flow's process (states, retries, caching, the run store), in
a bounded pool of threads that each wait on one Dask future; only the function call
travels, pickled with cloudpickle (`headrace.engine`). A worker lost mid-task
makes that attempt `Crashed`; timeouts are enforced on the worker, from the start of
the call.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import TYPE_CHECKING, Any

from headrace.engine import pack_call, unpack_outcome
from headrace.exceptions import CrashedRun
from headrace.task_runners import ThreadPoolTaskRunner
from headrace_dask._batching import CallBatcher
from headrace_dask._clusters import start_cluster

if TYPE_CHECKING:
    from distributed import Client

    from headrace.context import TaskRunContext
    from headrace.tasks import Task

#: engine threads per cluster thread: enough to keep every Dask thread busy while the
#: flow's process packs the next calls and unpacks finished ones
THREADS_PER_DASK_THREAD = 8
MIN_ENGINE_THREADS = 16
MAX_ENGINE_THREADS = 256


class DaskTaskRunner(ThreadPoolTaskRunner):
    """Submits task runs to `dask.distributed`.

    Without `address`, a temporary cluster (`cluster_class`, default `LocalCluster`,
    built with `cluster_kwargs` and made adaptive with `adapt_kwargs`) lives as long as
    the flow run; with `address`, the runner connects to that scheduler and leaves it
    running. `client_kwargs` go to `distributed.Client`; `performance_report_path`
    writes Dask's HTML performance report for the flow run there.
    """

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        cluster_class: type | str | None = None,
        cluster_kwargs: dict[str, Any] | None = None,
        adapt_kwargs: dict[str, Any] | None = None,
        client_kwargs: dict[str, Any] | None = None,
        performance_report_path: str | None = None,
        max_workers: int | None = None,
    ) -> None:
        if address is not None and (cluster_class is not None or cluster_kwargs):
            raise ValueError("Pass either `address` or `cluster_class`/`cluster_kwargs`, not both")
        super().__init__(max_workers=max_workers)
        self.address = address
        self.cluster_class = cluster_class
        self.cluster_kwargs = dict(cluster_kwargs or {})
        self.adapt_kwargs = dict(adapt_kwargs or {})
        self.client_kwargs = dict(client_kwargs or {})
        self.performance_report_path = performance_report_path
        self._cluster: Any = None
        self._client: Client | None = None
        self._exit_stack: contextlib.ExitStack | None = None
        self._batcher: CallBatcher | None = None

    @property
    def client(self) -> Client:
        """The Dask client of the running flow (only while the runner is entered)."""
        if self._client is None:
            raise RuntimeError("DaskTaskRunner is not running: enter it (a flow run does)")
        return self._client

    def duplicate(self) -> DaskTaskRunner:
        return type(self)(
            address=self.address,
            cluster_class=self.cluster_class,
            cluster_kwargs=self.cluster_kwargs,
            adapt_kwargs=self.adapt_kwargs,
            client_kwargs=self.client_kwargs,
            performance_report_path=self.performance_report_path,
            max_workers=self.max_workers,
        )

    def __enter__(self) -> DaskTaskRunner:
        from distributed import Client

        with contextlib.ExitStack() as stack:
            if self.address is None:
                self._cluster = start_cluster(
                    self.cluster_class, self.cluster_kwargs, self.adapt_kwargs or None
                )
                stack.callback(self._close_cluster)
            self._client = Client(self.address or self._cluster, **self.client_kwargs)
            stack.callback(self._close_client)
            self._batcher = CallBatcher(self._client)
            stack.callback(self._close_batcher)
            if self.performance_report_path is not None:
                from distributed import performance_report

                stack.enter_context(performance_report(filename=self.performance_report_path))
            super().__enter__()
            stack.callback(super().__exit__, None, None, None)
            self._exit_stack = stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        stack, self._exit_stack = self._exit_stack, None
        if stack is not None:
            stack.close()

    def _close_batcher(self) -> None:
        batcher, self._batcher = self._batcher, None
        if batcher is not None:
            batcher.close()

    def _close_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def _close_cluster(self) -> None:
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            cluster.close()

    def _worker_count(self) -> int:
        """Engine threads: explicit `max_workers`, else a multiple of the cluster's threads
        (for adaptive clusters, of their maximum size when it is known)."""
        if self.max_workers is not None:
            return self.max_workers
        dask_threads = sum(self.client.nthreads().values())
        maximum = self.adapt_kwargs.get("maximum")
        if isinstance(maximum, int) and dask_threads:
            per_worker = dask_threads / max(1, len(self.client.nthreads()))
            dask_threads = max(dask_threads, int(maximum * per_worker))
        wanted = THREADS_PER_DASK_THREAD * max(1, dask_threads)
        return min(MAX_ENGINE_THREADS, max(MIN_ENGINE_THREADS, wanted))

    def invoke(
        self,
        task: Task,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        timeout: float | None,
        ctx: TaskRunContext,
    ) -> Any:
        """Called by the engine instead of `task.fn(...)`: run the call on the cluster.

        The worker enforces `timeout` (from the start of the call, queueing excluded);
        a worker lost before the call ends raises CrashedRun.
        """

        key = f"{ctx.task_run.name}-{uuid.uuid4().hex[:12]}"
        payload = pack_call(task, args, kwargs, ctx)
        if self._batcher is None:
            raise RuntimeError("DaskTaskRunner is not running: enter it (a flow run does)")
        try:
            blob = self._batcher.call(payload, timeout, key)
        except Exception as exc:
            if _is_lost_worker(exc):
                raise CrashedRun(f"The Dask worker running this task was lost: {exc}") from exc
            raise
        return unpack_outcome(blob, ctx)

    def __repr__(self) -> str:
        where = f"address={self.address!r}" if self.address else "temporary cluster"
        return f"DaskTaskRunner({where})"


def _is_lost_worker(exc: BaseException) -> bool:
    """The Dask task failed for a reason outside the function (it catches its own)."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError

    return isinstance(exc, (KilledWorker, CancelledError, CommClosedError))
