"""`@task` and the Task object (Prefect 3's options and calling conventions)."""

from __future__ import annotations

import datetime as _dt
import inspect
import logging
from collections.abc import Callable, Iterable
from typing import Any, Generic, ParamSpec, TypedDict, TypeVar, overload

from headrace import cache_policies, engine
from headrace._method_binding import MethodBinding
from headrace._naming import check_run_name
from headrace.context import FlowRunContext, current_tags
from headrace.exceptions import (
    MappingLengthMismatch,
    MappingMissingIterable,
    ParameterBindError,
    ReservedArgumentError,
)
from headrace.futures import PrefectFuture, PrefectFutureList
from headrace.run_records import TaskRun
from headrace.utilities.annotations import unmapped
from headrace.utilities.callables import Signature, hook_list
from headrace.utilities.hashing import hash_objects
from headrace.utilities.options import changed_options

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

#: type names of Prefect's `prefect.tasks`, for annotations in user code
StateHookCallable = Callable[..., Any]
RetryConditionCallable = Callable[..., bool] | None
TaskRunNameCallbackWithParameters = Callable[[dict[str, Any]], str]
TaskRunNameValueOrCallable = str | Callable[[], str] | TaskRunNameCallbackWithParameters
FutureOrResult = PrefectFuture | Any
OneOrManyFutureOrResult = FutureOrResult | Iterable[FutureOrResult]

#: how many characters of the run id name a task run outside a flow (`name-abc`)
NUM_CHARS_DYNAMIC_KEY = 3

logger = logging.getLogger("headrace.tasks")


class TaskOptions(TypedDict, total=False):
    """The options `@task(...)` and `Task.with_options(...)` take, for typed wrappers."""

    name: str | None
    description: str | None
    tags: Iterable[str] | None
    version: str | None
    cache_policy: Any
    cache_key_fn: Callable[..., str | None] | None
    cache_expiration: _dt.timedelta | None
    task_run_name: TaskRunNameValueOrCallable | None
    retries: int | None
    retry_delay_seconds: float | list[float] | Callable[[int], list[float]] | None
    retry_jitter_factor: float | None
    persist_result: bool | None
    result_storage: Any
    result_serializer: Any
    result_storage_key: str | None
    cache_result_in_memory: bool
    timeout_seconds: float | None
    log_prints: bool | None
    refresh_cache: bool | None
    on_completion: list[StateHookCallable] | None
    on_failure: list[StateHookCallable] | None
    on_running: list[StateHookCallable] | None
    retry_condition_fn: RetryConditionCallable
    viz_return_value: Any


_NOT_SET: Any = object()
#: `_bound_target` of a task not read through an instance or class
_UNBOUND: Any = object()


def task_input_hash(context: Any, arguments: dict[str, Any]) -> str | None:
    """Cache key from the task's identity, its code and its arguments (Prefect's helper)."""
    fn = context.task.fn
    code = getattr(fn, "__code__", None)
    return hash_objects(
        context.task.task_key, code.co_code.hex() if code is not None else "", arguments
    )


def exponential_backoff(backoff_factor: float) -> Callable[[int], list[float]]:
    """`retry_delay_seconds=exponential_backoff(10)`: 10, 20, 40, ... seconds."""

    def retry_delays(retries: int) -> list[float]:
        return [backoff_factor * 2**attempt for attempt in range(retries)]

    return retry_delays


class Task(MethodBinding, Generic[P, R]):
    """A function whose calls become tracked task runs."""

    def __init__(
        self,
        fn: Callable[P, R],
        name: str | None = None,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        version: str | None = None,
        cache_policy: Any = _NOT_SET,
        cache_key_fn: Callable[..., str | None] | None = None,
        cache_expiration: _dt.timedelta | None = None,
        task_run_name: str | Callable[[], str] | None = None,
        retries: int | None = None,
        retry_delay_seconds: float | list[float] | Callable[[int], list[float]] | None = None,
        retry_jitter_factor: float | None = None,
        persist_result: bool | None = None,
        result_storage: Any = None,
        result_serializer: Any = None,
        result_storage_key: str | None = None,
        cache_result_in_memory: bool = True,
        timeout_seconds: float | None = None,
        log_prints: bool | None = None,
        refresh_cache: bool | None = None,
        on_completion: list[Callable[..., Any]] | None = None,
        on_failure: list[Callable[..., Any]] | None = None,
        on_running: list[Callable[..., Any]] | None = None,
        retry_condition_fn: Callable[..., bool] | None = None,
        viz_return_value: Any = None,
        on_commit: list[Callable[..., Any]] | None = None,
        on_rollback: list[Callable[..., Any]] | None = None,
    ) -> None:
        fn = self._unwrap_method(fn)
        if not callable(fn):
            raise TypeError("@task needs a function")
        check_run_name(task_run_name, "task_run_name")
        if retry_condition_fn is not None and not callable(retry_condition_fn):
            raise TypeError(
                "Expected `retry_condition_fn` to be callable, got "
                f"{type(retry_condition_fn).__name__} instead."
            )
        self.fn = fn
        self.name = name or getattr(fn, "__name__", type(fn).__name__)
        self.description = description or inspect.getdoc(fn)
        self.tags = set(tags or ())
        self.version = version
        self.isasync = inspect.iscoroutinefunction(fn)
        self.isgenerator = inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn)
        self.signature = Signature(fn)
        if "wait_for" in self.signature.names:
            raise ReservedArgumentError(
                "'wait_for' is a reserved argument name and cannot be used in task functions."
            )
        self.task_key = _task_key(fn)
        self._check_options(retries, retry_jitter_factor, timeout_seconds, cache_expiration)
        if retries is None or retry_delay_seconds is None:
            tasks_settings = _tasks_settings()
            if retries is None:
                retries = tasks_settings.default_retries
            if retry_delay_seconds is None:
                retry_delay_seconds = tasks_settings.default_retry_delay_seconds
        self.retries = retries or 0
        if callable(retry_delay_seconds):
            retry_delay_seconds = retry_delay_seconds(self.retries)
        elif not isinstance(retry_delay_seconds, (list, int, float, type(None))):
            raise TypeError(
                "Invalid `retry_delay_seconds` provided; must be an int, float, list or "
                f"callable. Received type {type(retry_delay_seconds)}"
            )
        if isinstance(retry_delay_seconds, list) and len(retry_delay_seconds) > 50:
            raise ValueError("Can not configure more than 50 retry delays per task.")
        self.retry_delay_seconds = retry_delay_seconds
        self.retry_jitter_factor = retry_jitter_factor
        self.retry_condition_fn = retry_condition_fn
        self.timeout_seconds = float(timeout_seconds) if timeout_seconds else None
        self.cache_key_fn = cache_key_fn
        self._cache_policy_arg = cache_policy
        self.cache_policy, persist_result = self._caching(
            cache_policy,
            cache_key_fn,
            persist_result,
            result_storage_key,
            result_storage,
            result_serializer,
        )
        self.cache_expiration = cache_expiration
        #: None: the `PREFECT_TASKS_REFRESH_CACHE` setting decides at run time
        self.refresh_cache = refresh_cache
        self.persist_result = persist_result
        self.result_storage = result_storage
        self.result_serializer = result_serializer
        self.result_storage_key = result_storage_key
        self.cache_result_in_memory = cache_result_in_memory
        self.task_run_name = task_run_name
        self.log_prints = log_prints
        self.on_completion_hooks = hook_list(on_completion, "on_completion", "task")
        self.on_failure_hooks = hook_list(on_failure, "on_failure", "task")
        self.on_running_hooks = hook_list(on_running, "on_running", "task")
        self.on_commit_hooks = hook_list(on_commit, "on_commit", "task")
        self.on_rollback_hooks = hook_list(on_rollback, "on_rollback", "task")
        self.viz_return_value = viz_return_value
        self._options = {
            "name": name,
            "description": description,
            "tags": tags,
            "version": version,
            "cache_policy": cache_policy,
            "cache_key_fn": cache_key_fn,
            "cache_expiration": cache_expiration,
            "task_run_name": task_run_name,
            "retries": retries,
            "retry_delay_seconds": retry_delay_seconds,
            "retry_jitter_factor": retry_jitter_factor,
            "persist_result": persist_result,
            "result_storage": result_storage,
            "result_serializer": result_serializer,
            "result_storage_key": result_storage_key,
            "cache_result_in_memory": cache_result_in_memory,
            "timeout_seconds": timeout_seconds,
            "log_prints": log_prints,
            "refresh_cache": refresh_cache,
            "on_completion": on_completion,
            "on_failure": on_failure,
            "on_running": on_running,
            "retry_condition_fn": retry_condition_fn,
            "viz_return_value": viz_return_value,
            "on_commit": on_commit,
            "on_rollback": on_rollback,
        }
        try:
            self.__doc__ = fn.__doc__
            self.__name__ = getattr(fn, "__name__", self.name)
            self.__module__ = getattr(fn, "__module__", __name__)
            self.__qualname__ = getattr(fn, "__qualname__", self.name)
            self.__wrapped__ = fn
        except AttributeError:
            pass

    def _caching(
        self,
        policy: Any,
        cache_key_fn: Any,
        persist_result: bool | None,
        result_storage_key: str | None,
        result_storage: Any,
        result_serializer: Any,
    ) -> tuple[Any, bool | None]:
        """Prefect 3's rules for the cache policy and `persist_result` a task ends up
        with: a `cache_key_fn` wins over a policy; asking for caching or naming where or
        how to store turns persistence on; no persistence means no caching; a
        `result_storage_key` alone is the cache key (policy None)."""
        tasks_settings = _tasks_settings()
        if policy is _NOT_SET and tasks_settings.default_no_cache:
            policy = cache_policies.NONE
        if cache_key_fn is not None:
            if self._cache_policy_arg is not _NOT_SET:
                logger.warning(
                    f"Both `cache_policy` and `cache_key_fn` are set on task {self}. "
                    "`cache_key_fn` will be used."
                )
            policy = cache_policies.CacheKeyFnPolicy(cache_key_fn)
        real_policy = policy is not _NOT_SET and not _is_no_cache(policy)
        if persist_result is None and (
            real_policy
            or result_storage_key is not None
            or result_storage is not None
            or result_serializer is not None
        ):
            persist_result = True
        if tasks_settings.disable_caching:
            policy = cache_policies.NONE
            real_policy = False
        if persist_result is False:
            if real_policy:
                logger.warning("Ignoring `cache_policy` because `persist_result` is False")
            return (None if policy is None else cache_policies.NONE), persist_result
        if policy is _NOT_SET and result_storage_key is None:
            return cache_policies.DEFAULT, persist_result
        if result_storage_key and not _is_no_cache(policy):
            return None, persist_result
        return policy, persist_result

    @staticmethod
    def _check_options(retries: Any, jitter: Any, timeout: Any, expiration: Any) -> None:
        if retries is not None and (not isinstance(retries, int) or retries < 0):
            raise ValueError(f"retries must be a non-negative integer, got {retries!r}")
        if jitter is not None and jitter < 0:
            raise ValueError("`retry_jitter_factor` must be >= 0.")
        if timeout is not None and timeout <= 0:
            raise ValueError("timeout_seconds must be > 0")
        if expiration is not None and not isinstance(expiration, _dt.timedelta):
            raise TypeError("cache_expiration must be a datetime.timedelta")

    def retry_delay_for(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        delays = self.retry_delay_seconds
        if delays is None:
            return 0.0
        if callable(delays):
            delays = delays(self.retries)
        if isinstance(delays, (list, tuple)):
            if not delays:
                return 0.0
            return float(delays[min(attempt - 1, len(delays) - 1)])
        return float(delays)

    @property
    def source_code(self) -> str | None:
        """The function's source text, read on first use (None for callables without one)."""
        if "_source_code" not in self.__dict__:
            try:
                self._source_code: str | None = inspect.getsource(self.fn)
            except (OSError, TypeError):
                self._source_code = None
        return self._source_code

    @property
    def ismethod(self) -> bool:
        return self._bound_target is not _UNBOUND

    #: the instance (or class) a copy read through one is bound to
    _bound_target: Any = _UNBOUND

    def _rebound(self) -> None:
        """As in Prefect, the instance (or class) a task is bound to is its first
        parameter (`self`, `cls`): run names, cache keys and records see it. The
        function kept is the plain one, called with that first argument."""
        method = self.fn
        self.fn = method.__func__
        self.signature = Signature(self.fn)
        self._bound_target = method.__self__

    def _with_target(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        return args if self._bound_target is _UNBOUND else (self._bound_target, *args)

    def _unmapped_target(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """`map` passes the bound instance whole to every call."""
        if self._bound_target is _UNBOUND:
            return args
        return (unmapped(self._bound_target), *args)

    # -- hooks, also as decorators: `@my_task.on_completion` --------------------------------
    def on_completion(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.on_completion_hooks.append(fn)
        return fn

    def on_failure(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.on_failure_hooks.append(fn)
        return fn

    def on_running(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.on_running_hooks.append(fn)
        return fn

    def on_commit(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.on_commit_hooks.append(fn)
        return fn

    def on_rollback(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.on_rollback_hooks.append(fn)
        return fn

    # -- options ---------------------------------------------------------------------------
    def with_options(
        self,
        *,
        name: str | None = _NOT_SET,
        description: str | None = _NOT_SET,
        tags: Iterable[str] | None = _NOT_SET,
        cache_policy: Any = _NOT_SET,
        cache_key_fn: Callable[..., str | None] | None = _NOT_SET,
        cache_expiration: _dt.timedelta | None = _NOT_SET,
        task_run_name: TaskRunNameValueOrCallable | None = _NOT_SET,
        retries: int | None = _NOT_SET,
        retry_delay_seconds: float | list[float] | Callable[[int], list[float]] | None = _NOT_SET,
        retry_jitter_factor: float | None = _NOT_SET,
        persist_result: bool | None = _NOT_SET,
        result_storage: Any = _NOT_SET,
        result_serializer: Any = _NOT_SET,
        result_storage_key: str | None = _NOT_SET,
        cache_result_in_memory: bool = _NOT_SET,
        timeout_seconds: float | None = _NOT_SET,
        log_prints: bool | None = _NOT_SET,
        refresh_cache: bool | None = _NOT_SET,
        on_completion: list[StateHookCallable] | None = _NOT_SET,
        on_failure: list[StateHookCallable] | None = _NOT_SET,
        on_running: list[StateHookCallable] | None = _NOT_SET,
        retry_condition_fn: RetryConditionCallable = _NOT_SET,
        viz_return_value: Any = _NOT_SET,
        on_commit: list[StateHookCallable] | None = _NOT_SET,
        on_rollback: list[StateHookCallable] | None = _NOT_SET,
    ) -> Task[P, R]:
        """A copy of this task with the options given changed (None unsets one); hooks
        added by decorator are kept. The version stays: tags tell calls apart."""
        options = {key: value for key, value in locals().items() if value is not _NOT_SET}
        del options["self"]
        current = {
            **self._options,
            **{kind: list(getattr(self, f"{kind}_hooks")) for kind in _HOOK_KINDS},
        }
        copy = Task(self._rewrapped_fn(), **changed_options(current, self.name, "task", options))
        copy._bound_target = self._bound_target  # a bound task's copy stays bound
        return copy

    # -- running ---------------------------------------------------------------------------
    def _new_run(self, parameters: dict[str, Any], flow_ctx: FlowRunContext | None) -> TaskRun:
        run = TaskRun(
            self.name,
            self.task_key,
            flow_ctx.flow_run.id if flow_ctx else None,
            parameters,
            self.tags | current_tags() if self.tags else set(current_tags()),
        )
        # outside a flow: three random hex digits (the end of the time-ordered id)
        key = flow_ctx.next_dynamic_key(self.task_key) if flow_ctx else run.id[-3:]
        run.dynamic_key = key
        run.name = f"{self.name}-{key}"
        return run

    @overload
    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R: ...

    @overload
    def __call__(
        self, *args: Any, return_state: bool = ..., wait_for: Any = ..., **kwargs: Any
    ) -> Any: ...

    def __call__(
        self, *args: Any, return_state: bool = False, wait_for: Any = None, **kwargs: Any
    ) -> Any:
        """Run the task now (in this thread) and return its result or, with
        `return_state=True`, its final state."""
        if self._bound_target is not _UNBOUND:
            args = (self._bound_target, *args)
        parameters = self.signature.bind(args, kwargs)
        flow_ctx = FlowRunContext._var.get(None)
        if flow_ctx is not None and flow_ctx.tracing:
            return flow_ctx.trace_call(self, parameters, wait_for)  # type: ignore[attr-defined]
        machine = engine.TaskRunMachine(
            self, self._new_run(parameters, flow_ctx), parameters, wait_for
        )
        if self.isasync:

            async def outcome() -> Any:
                state = await engine.drive_async(machine)
                return state if return_state else engine.plain_call_value(machine, state)

            return outcome()
        state = engine.drive_sync(machine)
        return state if return_state else engine.plain_call_value(machine, state)

    def submit(
        self, *args: Any, return_state: bool = False, wait_for: Any = None, **kwargs: Any
    ) -> Any:
        """Run the task in the flow's task runner; returns a future (or, with
        `return_state=True`, the final state once it is known)."""
        flow_ctx = self._require_flow("submit")
        parameters = self.signature.bind(self._with_target(args), kwargs)
        if flow_ctx.tracing:
            return flow_ctx.trace_call(self, parameters, wait_for)  # type: ignore[attr-defined]
        future = flow_ctx.task_runner.submit_run(
            self, self._new_run(parameters, flow_ctx), parameters, wait_for
        )
        if return_state:
            future.wait()
            return future.state
        return future

    def map(
        self,
        *args: Any,
        return_state: bool = False,
        wait_for: Any = None,
        deferred: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Submit one run per element of the iterable arguments (`unmapped(x)` is passed
        whole); returns a PrefectFutureList. `deferred=True` queues them as background
        runs for task workers instead (inside a flow or not)."""
        if deferred:
            return self._map_deferred(args, kwargs, return_state, wait_for)
        flow_ctx = self._require_flow("map")
        try:
            bound = self.signature.signature.bind_partial(
                *self._unmapped_target(args), **kwargs
            ).arguments
        except TypeError as exc:
            raise ParameterBindError(f"Error binding parameters: {exc}") from None
        if flow_ctx.tracing:
            try:
                traced = engine.expand_map(bound, self.signature.var_keyword)
            except (MappingMissingIterable, MappingLengthMismatch):
                traced = None
            return flow_ctx.trace_map(self, bound, traced, wait_for)  # type: ignore[attr-defined]
        calls = engine.expand_map(bound, self.signature.var_keyword)
        runner = flow_ctx.task_runner
        futures = PrefectFutureList()
        for call in calls:
            parameters = self.signature.bind((), call)
            futures.append(
                runner.submit_run(self, self._new_run(parameters, flow_ctx), parameters, wait_for)
            )
        if return_state:
            futures.wait()
            return [future.state for future in futures]
        return futures

    def _map_deferred(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], return_state: bool, wait_for: Any
    ) -> Any:
        try:
            bound = self.signature.signature.bind_partial(
                *self._unmapped_target(args), **kwargs
            ).arguments
        except TypeError as exc:
            raise ParameterBindError(f"Error binding parameters: {exc}") from None
        calls = engine.expand_map(bound, self.signature.var_keyword)
        futures = PrefectFutureList(
            self.apply_async(kwargs=call, wait_for=wait_for) for call in calls
        )
        if return_state:
            futures.wait()
            return [future.state for future in futures]
        return futures

    # -- background runs (headrace.background does the work, deferred like deployments) ----
    def apply_async(
        self,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
        wait_for: Any = None,
        dependencies: dict[str, Any] | None = None,
    ) -> Any:
        """Queue a background run for a task worker (`Task.serve`, `headrace task
        serve`); returns a PrefectDistributedFuture. `dependencies` (Prefect's lineage
        hints) are accepted and not recorded."""
        from headrace.background import submit

        return submit(self, self._with_target(tuple(args or ())), kwargs, wait_for)

    def delay(self, *args: Any, **kwargs: Any) -> Any:
        """`apply_async(args, kwargs)`: run this task in the background on a task worker."""
        return self.apply_async(args, kwargs)

    def serve(self) -> None:
        """Serve background runs of this task in this process (see `headrace.task_worker`)."""
        from headrace.task_worker import serve

        serve(self)

    def _require_flow(self, verb: str) -> FlowRunContext:
        flow_ctx = FlowRunContext._var.get(None)
        if flow_ctx is None:
            raise RuntimeError(
                "Unable to determine task runner to use for submission. "
                f"Task.{verb}() runs inside a flow; call the task directly to run it on its own."
            )
        return flow_ctx

    def __repr__(self) -> str:
        return f"Task(name={self.name!r})"

    # -- runs made without running them (Prefect's create_run) -----------------------------
    async def create_run(
        self,
        client: Any = None,
        id: Any = None,
        parameters: dict[str, Any] | None = None,
        flow_run_context: FlowRunContext | None = None,
        parent_task_run_context: Any = None,
        wait_for: Any = None,
        extra_task_inputs: dict[str, Any] | None = None,
        deferred: bool = False,
    ) -> TaskRun:
        """Record a task run of this task without running it: Pending, in the current
        (or given) flow run; with `deferred`, queued for task workers as `apply_async`
        does. Returns the run, whose id a `PrefectDistributedFuture` can follow.
        `client`, `parent_task_run_context` and `extra_task_inputs` (Prefect's lineage
        hints) are accepted and not used."""
        if deferred:
            return self.apply_async(kwargs=dict(parameters or {}), wait_for=wait_for).task_run
        from headrace.states import Pending  # deferred: states load with the engine
        from headrace.store import get_store
        from headrace.store.runs import record_task_run

        flow_ctx = flow_run_context or FlowRunContext._var.get(None)
        run = self._new_run(dict(parameters or {}), flow_ctx)
        if id is not None:
            run.id = str(id)
        run.state = Pending()
        record_task_run(get_store(), run)
        return run


def _tasks_settings() -> Any:
    """The `tasks` settings a task is defined under (read at definition, as Prefect)."""
    from headrace.settings import get_current_settings  # deferred: first @task only

    return get_current_settings().tasks


def _is_no_cache(policy: Any) -> bool:
    return policy is None or isinstance(policy, type(cache_policies.NONE))


_HOOK_KINDS = ("on_completion", "on_failure", "on_running", "on_commit", "on_rollback")


def _task_key(fn: Any) -> str:
    """`name-hash`: the function's name and a digest of where it is defined, so that two
    tasks of the same name in different places never share a cache key."""
    import hashlib

    qualname = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    code = getattr(fn, "__code__", None) or getattr(type(fn).__call__, "__code__", None)
    origin = f"{getattr(fn, '__module__', '')}:{qualname}:{getattr(code, 'co_filename', '')}"
    digest = hashlib.md5(origin.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{qualname.split('.')[-1]}-{digest}"


@overload
def task(__fn: Callable[P, R]) -> Task[P, R]: ...


@overload
def task(**options: Any) -> Callable[[Callable[P, R]], Task[P, R]]: ...


def task(
    __fn: Any = None,
    *,
    name: str | None = None,
    description: str | None = None,
    tags: Iterable[str] | None = None,
    version: str | None = None,
    cache_policy: Any = _NOT_SET,
    cache_key_fn: Callable[..., str | None] | None = None,
    cache_expiration: _dt.timedelta | None = None,
    task_run_name: TaskRunNameValueOrCallable | None = None,
    retries: int | None = None,
    retry_delay_seconds: float | list[float] | Callable[[int], list[float]] | None = None,
    retry_jitter_factor: float | None = None,
    persist_result: bool | None = None,
    result_storage: Any = None,
    result_serializer: Any = None,
    result_storage_key: str | None = None,
    cache_result_in_memory: bool = True,
    timeout_seconds: float | None = None,
    log_prints: bool | None = None,
    refresh_cache: bool | None = None,
    on_completion: list[StateHookCallable] | None = None,
    on_failure: list[StateHookCallable] | None = None,
    on_running: list[StateHookCallable] | None = None,
    retry_condition_fn: RetryConditionCallable = None,
    viz_return_value: Any = None,
    on_commit: list[StateHookCallable] | None = None,
    on_rollback: list[StateHookCallable] | None = None,
) -> Any:
    """Decorate a function as a task: `@task` or `@task(retries=3, ...)`."""
    options = {key: value for key, value in locals().items() if key != "__fn"}
    if __fn is not None:
        return Task(__fn, **options)
    return lambda fn: Task(fn, **options)


__all__ = [
    "Task",
    "exponential_backoff",
    "task",
    "task_input_hash",
]


def __getattr__(name: str) -> Any:
    if name == "MaterializingTask":
        raise NotImplementedError(
            "headrace.tasks.MaterializingTask is not provided: headrace has no assets "
            "(@materialize, asset lineage); see docs/compatibility.md."
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
