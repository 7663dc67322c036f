"""`@flow` and the Flow object (Prefect 3's options and calling conventions)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar, overload

from headrace import engine
from headrace.task_runners import TaskRunner, ThreadPoolTaskRunner
from headrace.utilities.callables import ParameterValidator, Signature, hook_list
from headrace.utilities.options import changed_options

P = ParamSpec("P")
R = TypeVar("R")


class Flow(Generic[P, R]):
    """A function whose calls become tracked flow runs."""

    def __init__(
        self,
        fn: Callable[P, R],
        name: str | None = None,
        version: str | None = None,
        flow_run_name: str | Callable[[], str] | None = None,
        retries: int | None = None,
        retry_delay_seconds: float | None = None,
        task_runner: TaskRunner | type[TaskRunner] | None = None,
        description: str | None = None,
        timeout_seconds: float | None = None,
        validate_parameters: bool = True,
        persist_result: bool | None = None,
        result_storage: Any = None,
        result_serializer: Any = None,
        cache_result_in_memory: bool = True,
        log_prints: bool | None = None,
        on_completion: list[Callable[..., Any]] | None = None,
        on_failure: list[Callable[..., Any]] | None = None,
        on_cancellation: list[Callable[..., Any]] | None = None,
        on_crashed: list[Callable[..., Any]] | None = None,
        on_running: list[Callable[..., Any]] | None = None,
    ) -> None:
        if not callable(fn):
            raise TypeError("@flow needs a function")
        if retries is not None and (not isinstance(retries, int) or retries < 0):
            raise ValueError(f"retries must be a non-negative integer, got {retries!r}")
        if timeout_seconds is not None and timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be > 0")
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "flow").replace("_", "-")
        self.version = version
        self.description = description or inspect.getdoc(fn)
        self.flow_run_name = flow_run_name
        self.retries = retries or 0
        self.retry_delay_seconds = retry_delay_seconds
        if isinstance(task_runner, type):
            task_runner = task_runner()
        self.task_runner: TaskRunner = task_runner or ThreadPoolTaskRunner()
        self.timeout_seconds = float(timeout_seconds) if timeout_seconds else None
        self.should_validate_parameters = validate_parameters
        self.persist_result = persist_result
        self.result_storage = result_storage
        self.result_serializer = result_serializer
        self.cache_result_in_memory = cache_result_in_memory
        self.log_prints = log_prints
        self.on_completion = hook_list(on_completion, "on_completion", "flow")
        self.on_failure = hook_list(on_failure, "on_failure", "flow")
        self.on_cancellation = hook_list(on_cancellation, "on_cancellation", "flow")
        self.on_crashed = hook_list(on_crashed, "on_crashed", "flow")
        self.on_running = hook_list(on_running, "on_running", "flow")
        self.isasync = inspect.iscoroutinefunction(fn)
        self.signature = Signature(fn)
        self._validator = ParameterValidator(fn, self.signature)
        self._options = {
            "name": name,
            "version": version,
            "flow_run_name": flow_run_name,
            "retries": retries,
            "retry_delay_seconds": retry_delay_seconds,
            "task_runner": task_runner,
            "description": description,
            "timeout_seconds": timeout_seconds,
            "validate_parameters": validate_parameters,
            "persist_result": persist_result,
            "result_storage": result_storage,
            "result_serializer": result_serializer,
            "cache_result_in_memory": cache_result_in_memory,
            "log_prints": log_prints,
            "on_completion": on_completion,
            "on_failure": on_failure,
            "on_cancellation": on_cancellation,
            "on_crashed": on_crashed,
            "on_running": on_running,
        }
        self.__doc__ = fn.__doc__
        self.__name__ = getattr(fn, "__name__", self.name)
        self.__module__ = getattr(fn, "__module__", __name__)
        self.__qualname__ = getattr(fn, "__qualname__", self.name)
        self.__wrapped__ = fn

    def with_options(self, **options: Any) -> Flow[P, R]:
        """A copy of this flow with some options changed."""
        return Flow(self.fn, **changed_options(self._options, self.name, "flow", options))

    def validate_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        """Coerce parameters to the function's annotations; ParameterTypeError if impossible."""
        return self._validator.validate(parameters)

    @overload
    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R: ...

    @overload
    def __call__(
        self, *args: Any, return_state: bool = ..., wait_for: Any = ..., **kwargs: Any
    ) -> Any: ...

    def __call__(
        self, *args: Any, return_state: bool = False, wait_for: Any = None, **kwargs: Any
    ) -> Any:
        """Run the flow; returns its result (raising its error if it failed) or, with
        `return_state=True`, its final state."""
        if wait_for:
            engine.wait_for_upstreams(wait_for)
        machine = engine.FlowRunMachine(self, self.signature.bind(args, kwargs))
        if self.isasync:
            return _await_outcome(engine.drive_async(machine), return_state)
        state = engine.drive_sync(machine)
        return state if return_state else state.result(_sync=True)

    # -- deployments (headrace.deployments does the work) ---------------------------------
    # _DEPLOYMENTS_DEFERRED: headrace.deployments (schedules, work pools, entrypoint loading)
    # doubles the cost of `from headrace import flow`; only served or deployed flows need
    # it, so these methods import it when called. No cycle: deployments never import flows.
    def serve(self, *args: Any, **kwargs: Any) -> Any:
        """Run this flow on a schedule in this process; see `headrace.deployments`."""
        from headrace.deployments import serve_flow  # deferred: see _DEPLOYMENTS_DEFERRED

        return serve_flow(self, *args, **kwargs)

    def to_deployment(self, *args: Any, **kwargs: Any) -> Any:
        from headrace.deployments import to_deployment  # deferred: see _DEPLOYMENTS_DEFERRED

        return to_deployment(self, *args, **kwargs)

    def deploy(self, *args: Any, **kwargs: Any) -> Any:
        from headrace.deployments import deploy_flow  # deferred: see _DEPLOYMENTS_DEFERRED

        return deploy_flow(self, *args, **kwargs)

    @classmethod
    def from_source(cls, source: Any, entrypoint: str) -> Flow[Any, Any]:
        """Load a flow from `source` (a local directory) and `entrypoint` (`path.py:function`)."""
        from headrace.deployments import load_flow_from_source  # deferred: as above

        return load_flow_from_source(source, entrypoint)

    def __repr__(self) -> str:
        return f"Flow(name={self.name!r})"


def _await_outcome(coro: Any, return_state: bool) -> Any:
    async def outcome() -> Any:
        state = await coro
        return state if return_state else state.result(_sync=True)

    return outcome()


@overload
def flow(__fn: Callable[P, R]) -> Flow[P, R]: ...


@overload
def flow(**options: Any) -> Callable[[Callable[P, R]], Flow[P, R]]: ...


def flow(__fn: Any = None, **options: Any) -> Any:
    """Decorate a function as a flow: `@flow` or `@flow(name=..., retries=...)`."""
    if __fn is not None:
        return Flow(__fn, **options)
    return lambda fn: Flow(fn, **options)


__all__ = ["Flow", "flow"]
