"""`RayTaskRunner`: run each submitted task's function as a Ray task.

The engine stays in the flow's process (states, retries, caching, the run store), in
a bounded pool of threads that each wait on one Ray object; only the function call
travels, pickled with cloudpickle (`headrace.engine`). Ray's own task retries
are off: a worker lost mid-task makes the attempt `Crashed` and the task's `retries`
decide. Timeouts are enforced on the worker, from the start of the call.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from headrace.engine import pack_call, run_packed, unpack_outcome
from headrace.exceptions import CrashedRun
from headrace.task_runners import ThreadPoolTaskRunner
from headrace_ray.context import current_remote_options

if TYPE_CHECKING:
    from headrace.context import TaskRunContext
    from headrace.tasks import Task

#: engine threads per Ray CPU: enough to keep every CPU busy while the flow's process
#: packs the next calls and unpacks finished ones
THREADS_PER_RAY_CPU = 8
MIN_ENGINE_THREADS = 16
MAX_ENGINE_THREADS = 256

_remote_lock = threading.Lock()
_remote_run: Any = None


def _remote_function() -> Any:
    """`run_packed` as a Ray remote function, made once (Ray retries off)."""
    global _remote_run
    with _remote_lock:
        if _remote_run is None:
            import ray

            _remote_run = ray.remote(max_retries=0)(run_packed)
        return _remote_run


class RayTaskRunner(ThreadPoolTaskRunner):
    """Submits task runs to Ray.

    Without `address`, a local Ray instance is started for the flow run and shut down
    after it; with `address` ("auto", "ray://head:10001", ...), the runner connects to
    that cluster. If Ray is already initialised in this process, the runner uses it and
    leaves it running. `init_kwargs` go to `ray.init`.
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        init_kwargs: dict[str, Any] | None = None,
        max_workers: int | None = None,
    ) -> None:
        super().__init__(max_workers=max_workers)
        self.address = address
        self.init_kwargs = dict(init_kwargs or {})
        self._started_ray = False

    def duplicate(self) -> RayTaskRunner:
        return type(self)(
            address=self.address, init_kwargs=self.init_kwargs, max_workers=self.max_workers
        )

    def __enter__(self) -> RayTaskRunner:
        import ray

        if not ray.is_initialized():
            kwargs = {"include_dashboard": False, **self.init_kwargs}
            ray.init(address=self.address, **kwargs)
            self._started_ray = True
        try:
            super().__enter__()
        except BaseException:
            self._shutdown_ray()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            super().__exit__(*exc)
        finally:
            self._shutdown_ray()

    def _shutdown_ray(self) -> None:
        if self._started_ray:
            import ray

            self._started_ray = False
            ray.shutdown()

    def _worker_count(self) -> int:
        """Engine threads: explicit `max_workers`, else a multiple of the cluster's CPUs."""
        if self.max_workers is not None:
            return self.max_workers
        import ray

        cpus = int(ray.cluster_resources().get("CPU", 1))
        wanted = THREADS_PER_RAY_CPU * max(1, cpus)
        return min(MAX_ENGINE_THREADS, max(MIN_ENGINE_THREADS, wanted))

    def invoke(
        self,
        task: Task,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        timeout: float | None,
        ctx: TaskRunContext,
    ) -> Any:
        """Called by the engine instead of `task.fn(...)`: run the call as a Ray task.

        The worker enforces `timeout` (from the start of the call, queueing excluded);
        a worker lost before the call ends raises CrashedRun.
        """
        import ray
        from ray.exceptions import RayError, RayTaskError

        options = {"name": ctx.task_run.name, **current_remote_options()}
        payload = pack_call(task, args, kwargs, ctx)
        ref = _remote_function().options(**options).remote(payload, timeout)
        try:
            blob = ray.get(ref)
        except RayTaskError:  # raised on the worker (a timeout, an unpicklable call): as is
            raise
        except RayError as exc:  # the worker, its node or the object was lost
            raise CrashedRun(f"The Ray worker running this task was lost: {exc}") from exc
        return unpack_outcome(blob, ctx)

    def __repr__(self) -> str:
        where = f"address={self.address!r}" if self.address else "local Ray"
        return f"RayTaskRunner({where})"
