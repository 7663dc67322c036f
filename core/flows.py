"""`@flow` and the Flow object (Prefect 3's options and calling conventions)."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable
from typing import Any, Generic, ParamSpec, TypeVar, overload

from headrace import _entrypoints, engine
from headrace._entrypoints import import_object
from headrace._method_binding import MethodBinding
from headrace._naming import check_name, check_run_name
from headrace.context import FlowRunContext
from headrace.exceptions import MissingFlowError, ReservedArgumentError, ScriptError
from headrace.task_runners import TaskRunner, ThreadPoolTaskRunner
from headrace.utilities.asyncutils import async_dispatch
from headrace.utilities.callables import ParameterValidator, Signature, hook_list
from headrace.utilities.options import changed_options

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
F = TypeVar("F", bound="Flow[Any, Any]")

#: a flow state hook: `hook(flow, flow_run, state)`
FlowStateHook = Callable[..., Any]

logger = logging.getLogger("headrace.flows")


_HOOK_KINDS = ("on_completion", "on_failure", "on_cancellation", "on_crashed", "on_running")


class Flow(MethodBinding, Generic[P, R]):
    """A function whose calls become tracked flow runs."""

    #: where `from_source` loaded the flow from (its deployments pull the code there)
    _storage: Any = None
    _entrypoint: str | None = None

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
        if name is not None and not isinstance(name, str):
            hint = " Perhaps you meant to call it? e.g. '@flow(name=get_flow_run_name())'"
            raise TypeError(
                f"Expected string for flow parameter 'name'; got {type(name).__name__} "
                f"instead.{hint if callable(name) else ''}"
            )
        fn = self._unwrap_method(fn)
        if not callable(fn):
            raise TypeError("@flow needs a function")
        if retries is not None and (not isinstance(retries, int) or retries < 0):
            raise ValueError(f"retries must be a non-negative integer, got {retries!r}")
        if timeout_seconds is not None and timeout_seconds < 0:
            raise ValueError("timeout_seconds must be >= 0")
        check_run_name(flow_run_name, "flow_run_name")
        self.fn = fn
        default_name = getattr(fn, "__name__", "flow")
        if default_name == "<lambda>":
            default_name = "unknown-lambda"  # "<" and ">" are not allowed in names
        self.name = check_name(name) or default_name.replace("_", "-")
        self._version = version
        self.description = description or inspect.getdoc(fn)
        self.flow_run_name = flow_run_name
        self.retries = retries or 0
        self.retry_delay_seconds = retry_delay_seconds
        if isinstance(task_runner, type):
            task_runner = task_runner()
        self.task_runner: TaskRunner = task_runner or ThreadPoolTaskRunner()
        self.timeout_seconds = float(timeout_seconds) if timeout_seconds else None
        self.should_validate_parameters = validate_parameters
        if persist_result is None and (result_storage is not None or result_serializer is not None):
            persist_result = True
        self.persist_result = persist_result
        self.result_storage = result_storage
        self.result_serializer = result_serializer
        self.cache_result_in_memory = cache_result_in_memory
        self.log_prints = log_prints
        self.on_completion_hooks = hook_list(on_completion, "on_completion", "flow")
        self.on_failure_hooks = hook_list(on_failure, "on_failure", "flow")
        self.on_cancellation_hooks = hook_list(on_cancellation, "on_cancellation", "flow")
        self.on_crashed_hooks = hook_list(on_crashed, "on_crashed", "flow")
        self.on_running_hooks = hook_list(on_running, "on_running", "flow")
        self.isasync = inspect.iscoroutinefunction(fn)
        self.isgenerator = inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn)
        self.signature = Signature(fn)
        if any(param in _RESERVED for param in self.signature.names):
            raise ReservedArgumentError(
                "'wait_for' is a reserved argument name and cannot be used in flow functions."
            )
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

    @property
    def version(self) -> str | None:
        """The version given, else a hash of the file that defines the flow (computed on
        first use: most flows never ask)."""
        if self._version is None:
            self._version = _source_file_hash(self.fn)
        return self._version

    @version.setter
    def version(self, value: str | None) -> None:
        self._version = value

    def _rebound(self) -> None:
        self._validator = ParameterValidator(self.fn, self.signature)
        self._options = {**self._options}

    # -- hooks, also as decorators: `@my_flow.on_completion` --------------------------------
    def on_completion(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.on_completion_hooks.append(fn)
        return fn

    def on_failure(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.on_failure_hooks.append(fn)
        return fn

    def on_cancellation(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.on_cancellation_hooks.append(fn)
        return fn

    def on_crashed(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.on_crashed_hooks.append(fn)
        return fn

    def on_running(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.on_running_hooks.append(fn)
        return fn

    def with_options(self, **options: Any) -> Flow[P, R]:
        """A copy of this flow with some options changed (hooks added by decorator and
        `timeout_seconds=0`, meaning none, included)."""
        current = {
            **self._options,
            **{kind: list(getattr(self, f"{kind}_hooks")) for kind in _HOOK_KINDS},
        }
        merged = changed_options(current, self.name, "flow", options)
        changed = Flow(self._rewrapped_fn(), **merged)
        changed._storage, changed._entrypoint = self._storage, self._entrypoint
        return changed

    def visualize(self, *args: Any, **kwargs: Any) -> str:
        """The graph of this flow's task and subflow calls as a Mermaid flowchart (text
        that GitHub, GitLab and mermaid.live render). The flow's function runs with task
        calls traced, not run: give it the arguments it needs; a task's
        `viz_return_value` stands in for its result where the flow inspects one."""
        from headrace._visualize import visualize

        return visualize(self, args, kwargs)

    def generate_mermaid_graph(self, *args: Any, **kwargs: Any) -> str:
        """The Mermaid flowchart of this flow's calls (what `visualize` returns)."""
        from headrace._visualize import visualize

        return visualize(self, args, kwargs)

    async def agenerate_mermaid_graph(self, *args: Any, **kwargs: Any) -> str:
        """`generate_mermaid_graph` from async code (an async flow's function is awaited
        in a worker thread, so the caller's event loop is never blocked)."""
        import asyncio

        return await asyncio.to_thread(self.generate_mermaid_graph, *args, **kwargs)

    async def avisualize(self, *args: Any, **kwargs: Any) -> str:
        """`visualize` from async code."""
        return await self.agenerate_mermaid_graph(*args, **kwargs)

    def serialize_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        """Parameters as JSON-compatible values, for records and the API; a value that cannot
        be encoded is replaced by a placeholder naming its type."""
        return {name: _jsonable(value) for name, value in parameters.items()}

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
        parent = FlowRunContext._var.get(None)
        if parent is not None and parent.tracing:
            parameters = self.signature.bind(args, kwargs)
            return parent.trace_subflow(self, parameters, wait_for)  # type: ignore[attr-defined]
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
        """A `RunnerDeployment` of this flow, not saved until served or deployed."""
        from headrace.deployments import to_deployment  # deferred: see _DEPLOYMENTS_DEFERRED

        return to_deployment(self, *args, **kwargs)

    async def ato_deployment(self, *args: Any, **kwargs: Any) -> Any:
        """`to_deployment` from async code."""
        from headrace.deployments.deployment import ato_deployment  # deferred: as above

        return await ato_deployment(self, *args, **kwargs)

    async def adeploy(self, *args: Any, **kwargs: Any) -> Any:
        """`deploy` from async code (the store calls run in a worker thread)."""
        import asyncio

        return await asyncio.to_thread(self.deploy, *args, _sync=True, **kwargs)

    @async_dispatch(adeploy)
    def deploy(self, *args: Any, **kwargs: Any) -> Any:
        """Save a deployment of this flow for a work pool's workers; returns its id."""
        from headrace.deployments import deploy_flow  # deferred: see _DEPLOYMENTS_DEFERRED

        return deploy_flow(self, *args, **kwargs)

    @classmethod
    async def afrom_source(cls, source: Any, entrypoint: str) -> Flow[Any, Any]:
        """`from_source` from async code (pulling and importing run in a worker thread)."""
        import asyncio

        from headrace.deployments import load_flow_from_source  # deferred: as above

        return await asyncio.to_thread(load_flow_from_source, source, entrypoint)

    @classmethod
    @async_dispatch(afrom_source)
    def from_source(cls, source: Any, entrypoint: str) -> Flow[Any, Any]:
        """The flow at `entrypoint` (`path/file.py:function` or `package.module.function`)
        in `source`: a local directory, a git URL, a storage object from
        `headrace.runner.storage` or a storage block. Its deployments keep the source."""
        from headrace.deployments import load_flow_from_source  # deferred: as above

        return load_flow_from_source(source, entrypoint)

    def __repr__(self) -> str:
        return f"Flow(name={self.name!r})"


_RESERVED = frozenset({"wait_for"})


def _source_file_hash(fn: Any) -> str | None:
    try:
        path = inspect.getsourcefile(fn)
        if path is None:
            return None
        with open(path, "rb") as file:
            import hashlib

            return hashlib.md5(file.read(), usedforsecurity=False).hexdigest()
    except (OSError, TypeError):
        return None


def _jsonable(value: Any) -> Any:
    import json

    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError, RecursionError):
        pass
    try:
        from pydantic_core import to_jsonable_python

        return to_jsonable_python(value)
    except Exception:
        return f"<{type(value).__name__}>"


def _await_outcome(coro: Any, return_state: bool) -> Any:
    async def outcome() -> Any:
        state = await coro
        return state if return_state else state.result(_sync=True)

    return outcome()


class FlowDecorator:
    """The type of `flow`: `@flow`, `@flow(name=..., retries=...)`, and
    `flow.from_source(source, entrypoint)` as in Prefect."""

    @overload
    def __call__(self, __fn: Callable[P, R]) -> Flow[P, R]: ...

    @overload
    def __call__(self, **options: Any) -> Callable[[Callable[P, R]], Flow[P, R]]: ...

    def __call__(self, __fn: Any = None, **options: Any) -> Any:
        """Decorate a function as a flow: `@flow` or `@flow(name=..., retries=...)`."""
        if __fn is not None:
            return Flow(__fn, **options)
        return lambda fn: Flow(fn, **options)

    from_source = staticmethod(Flow.from_source)
    afrom_source = staticmethod(Flow.afrom_source)

    def __repr__(self) -> str:
        return "headrace.flow"


flow: FlowDecorator = FlowDecorator()


# -- loading flows from entrypoints (the parsing lives in headrace._entrypoints) -----------


def load_flow_from_entrypoint(entrypoint: str, use_placeholder_flow: bool = True) -> Flow:
    """The flow an entrypoint (`path/file.py:name`, `file.py:Class.method` or
    `package.module.name`) names. When the script fails to import and
    `use_placeholder_flow` is true, a flow built by `safe_load_flow_from_entrypoint`
    stands in; otherwise ScriptError."""
    separator = ":" if ":" in entrypoint else "."
    path, _, name = entrypoint.rpartition(separator)
    try:
        value = import_object(entrypoint)
    except ScriptError:
        if not use_placeholder_flow:
            raise
        value = safe_load_flow_from_entrypoint(entrypoint)
        if value is None:
            raise
    except AttributeError as exc:
        raise MissingFlowError(f"Flow function with name {name!r} not found in {path!r}.") from exc
    if not isinstance(value, Flow):
        raise MissingFlowError(
            f"Function with name {name!r} is not a flow. Make sure that it is decorated "
            "with '@flow'."
        )
    return value


def safe_load_flow_from_entrypoint(entrypoint: str) -> Flow | None:
    """The flow at `path/file.py:name`, built without running the script's other code;
    None when the flow's decorator arguments need something the script cannot import."""
    return _entrypoints.safe_load_flow(entrypoint, Flow)


async def load_flow_from_flow_run(
    flow_run: Any,
    ignore_storage: bool = False,
    storage_base_path: str | None = None,
    use_placeholder_flow: bool = True,
    client: Any = None,
) -> Flow:
    """The flow a deployment's run runs, imported from the deployment's entrypoint
    (relative to `storage_base_path`, else the deployment's path). `ignore_storage`,
    `use_placeholder_flow` and `client` are accepted for Prefect code: headrace
    deployments keep their code on this machine and read the store directly."""
    from headrace.deployments import load_flow, records  # deferred: deployments sit lower

    if flow_run.deployment_id is None:
        raise ValueError("Flow run does not have an associated deployment")
    deployment = records.get_deployment(str(flow_run.deployment_id))
    if not deployment.entrypoint:
        raise ValueError(
            f"Deployment {deployment.id} does not have an entrypoint and can not be run."
        )
    return load_flow(storage_base_path or deployment.path, deployment.entrypoint)


def load_flow_arguments_from_entrypoint(
    entrypoint: str, arguments: list[str] | set[str] | None = None
) -> dict[str, Any]:
    """The arguments given to `@flow(...)` at an entrypoint (all, or those named), read
    without running the script; `name` defaults as `@flow` would name the flow."""
    return _entrypoints.flow_arguments(entrypoint, arguments)


def load_placeholder_flow(entrypoint: str, raises: BaseException) -> Flow:
    """A flow with the entrypoint's name and options whose calls raise `raises` (for
    describing a flow that cannot be loaded here)."""

    def placeholder(*args: Any, **kwargs: Any) -> Any:
        raise raises

    return Flow(placeholder, **load_flow_arguments_from_entrypoint(entrypoint))


def load_function_and_convert_to_flow(entrypoint: str) -> Flow:
    """The function at an entrypoint as a flow (a plain function is wrapped with
    `log_prints=True`)."""
    path, _, name = entrypoint.rpartition(":")
    try:
        value = import_object(entrypoint)
    except AttributeError as exc:
        raise RuntimeError(f"Function with name {name!r} not found in {path!r}.") from exc
    return value if isinstance(value, Flow) else Flow(value, log_prints=True)


def select_flow(
    flows: Iterable[Flow[Any, Any]], flow_name: str | None = None, from_message: str | None = None
) -> Flow[Any, Any]:
    """The flow named `flow_name` among `flows`, or the only one when no name is given."""
    where = f" {from_message}" if from_message else ""
    found = list(flows)
    if flow_name is not None:
        named = [candidate for candidate in found if candidate.name == flow_name]
        if not named:
            raise MissingFlowError(f"Flow {flow_name!r} not found{where}.")
        return named[0]
    if not found:
        raise MissingFlowError(f"No flows found{where}.")
    if len(found) > 1:
        from headrace.exceptions import UnspecifiedFlowError

        names = ", ".join(sorted(repr(candidate.name) for candidate in found))
        raise UnspecifiedFlowError(f"Found {len(found)} flows{where}: {names}. Name one.")
    return found[0]


def serve(*args: Any, **kwargs: Any) -> Any:
    """Serve several deployments in this process (`headrace.serve`)."""
    from headrace.deployments import serve as serve_deployments  # deferred, as above

    return serve_deployments(*args, **kwargs)


async def aserve(*args: Any, **kwargs: Any) -> Any:
    """`serve` from async code."""
    from headrace.deployments import aserve as aserve_deployments  # deferred, as above

    return await aserve_deployments(*args, **kwargs)


def is_entrypoint_async(entrypoint: str) -> bool:
    """Whether the function at `path/file.py:name` is `async def` (read, not run)."""
    return _entrypoints.is_async(entrypoint)


__all__ = [
    "Flow",
    "FlowDecorator",
    "flow",
    "is_entrypoint_async",
    "load_flow_arguments_from_entrypoint",
    "load_flow_from_entrypoint",
    "load_flow_from_flow_run",
    "load_function_and_convert_to_flow",
    "safe_load_flow_from_entrypoint",
    "select_flow",
    "serve",
    "aserve",
    "FlowStateHook",
]


#: Prefect's infrastructure binding (run a flow on a work pool's infrastructure by calling it)
_NOT_PROVIDED = frozenset({"InfrastructureBoundFlow", "bind_flow_to_infrastructure"})


def __getattr__(name: str) -> Any:
    if name in _NOT_PROVIDED:
        raise NotImplementedError(
            f"headrace.flows.{name} is not provided: headrace runs a called flow in the "
            "calling process and has no infrastructure to bind it to. Run it on a worker "
            "with flow.deploy() and run_deployment(); see docs/compatibility.md."
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
