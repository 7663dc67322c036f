"""Run contexts: which flow run and task run the current code belongs to.

Context lives in `contextvars`, so it follows asyncio tasks and is copied explicitly
into worker threads by the task runners.
"""

from __future__ import annotations

import contextvars
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec, TypeVar

from headrace.exceptions import MissingContextError
from headrace.utilities.asyncutils import register_run_probe

if TYPE_CHECKING:
    from headrace._context_model import ContextModel as ContextModel
    from headrace._flow_run_suspension import FlowRunSuspensionRequest
    from headrace.flows import Flow
    from headrace.results import ResultStore
    from headrace.run_records import FlowRun, TaskRun
    from headrace.task_runners import TaskRunner
    from headrace.tasks import Task


P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class RunContext:
    """Base of the flow- and task-run contexts."""

    __slots__ = ()
    _var: contextvars.ContextVar[Any]
    #: what `model_construct` gives the fields it is not given (copied when mutable)
    _construct_defaults: ClassVar[dict[str, Any]] = {}

    @classmethod
    def get(cls) -> Any:
        """The current context of this kind, or None."""
        return cls._var.get(None)

    @classmethod
    def model_construct(cls, **fields: Any) -> Any:
        """A context from field values alone, unchecked (pydantic's method, as Prefect's
        contexts are pydantic models): fields not given are empty, names this context
        does not have are ignored. For tests, and code that needs a context outside a run;
        enter it with `with`."""
        ctx = cls.__new__(cls)
        slots = [name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ())]
        for name in slots:  # every field, also ones added later, starts empty
            default = cls._construct_defaults.get(name)
            if isinstance(default, (dict, list)):
                default = default.copy()
            setattr(ctx, name, fields.get(name, default))
        return ctx

    def __enter__(self) -> Any:
        if self._token is not None:  # type: ignore[attr-defined]
            raise RuntimeError("Context already entered. Context enter calls cannot be nested.")
        self._token = self._var.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:  # type: ignore[attr-defined]
            self._var.reset(self._token)
            self._token = None


class FlowRunContext(RunContext):
    """What a running flow shares with the tasks it calls."""

    __slots__ = (
        "flow",
        "flow_run",
        "task_runner",
        "parameters",
        "result_store",
        "log_prints",
        "logger",
        "task_counts",
        "_token",
        "persist_result",
        "task_persist_default",
        "flow_run_suspension_request",
    )
    _var: contextvars.ContextVar[FlowRunContext] = contextvars.ContextVar("headrace_flow_run")
    #: True in `Flow.visualize()`'s tracing context, where calls add graph nodes instead
    tracing = False

    def __init__(
        self,
        flow: Flow,
        flow_run: FlowRun,
        task_runner: TaskRunner,
        parameters: dict[str, Any],
        result_store: ResultStore | None,
        log_prints: bool,
        logger: logging.LoggerAdapter,
    ) -> None:
        self.flow = flow
        self.flow_run = flow_run
        self.task_runner = task_runner
        self.parameters = parameters
        self.result_store = result_store
        self.log_prints = log_prints
        self.logger = logger
        self.task_counts: dict[str, int] = {}
        self._token: contextvars.Token | None = None
        #: whether this run persists its result (`headrace.results.should_persist_result`)
        self.persist_result = False
        #: PREFECT_TASKS_DEFAULT_PERSIST_RESULT, read once per flow run (not per task)
        self.task_persist_default: bool | None = None
        #: marked when the run is asked to suspend (set by the engine, shared with subflows;
        #: see headrace._flow_run_suspension)
        self.flow_run_suspension_request: FlowRunSuspensionRequest | None = None

    _construct_defaults: ClassVar[dict[str, Any]] = {
        "flow": None,
        "flow_run": None,
        "task_runner": None,
        "parameters": {},
        "result_store": None,
        "log_prints": False,
        "logger": None,
        "task_counts": {},
        "persist_result": False,
        "task_persist_default": None,
    }

    @classmethod
    def model_construct(cls, **fields: Any) -> FlowRunContext:
        ctx = super().model_construct(**fields)
        if ctx.logger is None:
            ctx.logger = _run_logger("flow", ctx.flow_run, ctx.flow)
        return ctx

    def next_dynamic_key(self, task_key: str) -> str:
        """A per-flow-run counter per task, as Prefect's dynamic_key (thread-safe enough:
        dict operations are atomic under the GIL, and a duplicate key is harmless)."""
        count = self.task_counts.get(task_key, 0)
        self.task_counts[task_key] = count + 1
        return str(count)


class TaskRunContext(RunContext):
    """What a running task (and code it calls) can see about itself."""

    __slots__ = (
        "task",
        "task_run",
        "parameters",
        "log_prints",
        "_logger",
        "_result_store",
        "persist_result",
        "_token",
    )
    _var: contextvars.ContextVar[TaskRunContext] = contextvars.ContextVar("headrace_task_run")
    _construct_defaults: ClassVar[dict[str, Any]] = {
        "task": None,
        "task_run": None,
        "parameters": {},
        "log_prints": False,
        "_result_store": None,
        "persist_result": False,
    }
    #: makes a task run's result store on first use; set by headrace.results (which sits
    #: above this module, and which the engine imports before any task run exists)
    make_result_store: ClassVar[Callable[[TaskRunContext], ResultStore]]

    def __init__(
        self,
        task: Task,
        task_run: TaskRun,
        parameters: dict[str, Any],
        log_prints: bool,
        logger: logging.LoggerAdapter | Callable[[], logging.LoggerAdapter],
        result_store: ResultStore | None = None,
    ) -> None:
        self.task = task
        self.task_run = task_run
        self.parameters = parameters
        self.log_prints = log_prints
        self._logger = logger
        self._result_store = result_store
        self.persist_result = False
        self._token: contextvars.Token | None = None

    @classmethod
    def model_construct(cls, **fields: Any) -> TaskRunContext:
        if "result_store" in fields:
            fields["_result_store"] = fields.pop("result_store")
        ctx = super().model_construct(**fields)
        logger = fields.get("logger")
        ctx._logger = logger or (lambda: _run_logger("task", ctx.task_run, ctx.task))
        return ctx

    @property
    def result_store(self) -> ResultStore:
        """The run's result store; made on first use for runs that do not persist."""
        store = self._result_store
        if store is None:
            store = self._result_store = TaskRunContext.make_result_store(self)
        return store

    @result_store.setter
    def result_store(self, store: ResultStore | None) -> None:
        self._result_store = store

    @property
    def logger(self) -> logging.LoggerAdapter:
        """The run's logger, built on first use (most task runs never log)."""
        logger = self._logger
        if callable(logger) and not isinstance(logger, logging.LoggerAdapter):
            logger = self._logger = logger()
        return logger


def _run_logger(kind: str, run: Any, owner: Any) -> logging.LoggerAdapter:
    """The run logger of a context made without the engine (`model_construct`,
    `hydrated_context`): the run's fields where known, `<unknown>` where not."""

    def known(value: Any) -> Any:
        return "<unknown>" if value is None else str(value)

    extra = {
        f"{kind}_run_id": known(getattr(run, "id", None)),
        f"{kind}_run_name": known(getattr(run, "name", None)),
        f"{kind}_name": known(getattr(owner, "name", None)),
    }
    if kind == "flow":
        extra["deployment_name"] = None
    else:
        extra["flow_run_id"] = getattr(run, "flow_run_id", None)
    return logging.LoggerAdapter(logging.getLogger(f"headrace.{kind}_runs"), extra)


#: Prefect's name for the context a flow run's engine holds
EngineContext = FlowRunContext


#: the innermost active transaction (`headrace.transactions.Transaction`), here so that
#: results, which transactions build on, can see it too
ACTIVE_TRANSACTION: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "headrace_transaction", default=None
)


def _current_run_is_async() -> bool | None:
    """Whether the task or flow running here is async (None outside any run)."""
    task_ctx = TaskRunContext._var.get(None)
    if task_ctx is not None:
        return task_ctx.task.isasync
    flow_ctx = FlowRunContext._var.get(None)
    return None if flow_ctx is None else flow_ctx.flow.isasync


register_run_probe(_current_run_is_async)


class AssetContext:
    """Prefect's asset-lineage context. headrace has no assets, so the name imports (code
    that imports it beside other context names keeps working) and using it raises."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            "headrace.context.AssetContext is not provided: headrace has no assets "
            "(@materialize, asset lineage); see docs/compatibility.md."
        )

    @classmethod
    def get(cls) -> None:
        """No asset context is ever active."""
        return None


def innermost_run_context() -> TaskRunContext | FlowRunContext | None:
    """The run the caller is in: a task run, unless a subflow runs inside that task (its
    flow run is not the task's), then the subflow; None outside any run."""
    task_ctx = TaskRunContext._var.get(None)
    flow_ctx = FlowRunContext._var.get(None)
    if task_ctx is None or flow_ctx is None:
        return task_ctx or flow_ctx
    if flow_ctx.flow_run.id != task_ctx.task_run.flow_run_id:
        return flow_ctx
    return task_ctx


def get_run_context() -> TaskRunContext | FlowRunContext:
    """The innermost run context; raises MissingContextError outside any run."""
    ctx = innermost_run_context()
    if ctx is None:
        raise MissingContextError(
            "No run context available. You are not in a flow or task run context."
        )
    return ctx


_tags: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "headrace_tags", default=frozenset()
)


def current_tags() -> frozenset[str]:
    """Tags added by enclosing `with tags(...)` blocks."""
    return _tags.get()


@contextmanager
def tags(*new_tags: str) -> Iterator[set[str]]:
    """Add tags to every flow and task run created inside the block."""
    merged = _tags.get() | frozenset(new_tags)
    token = _tags.set(merged)
    try:
        yield set(merged)
    finally:
        _tags.reset(token)


class TagsContext:
    """The tags `with tags(...)` blocks add, as Prefect's `TagsContext.get().current_tags`;
    entering one sets the tags for its block."""

    def __init__(self, current_tags: Iterable[str] = ()) -> None:
        self.current_tags = set(current_tags)
        self._token: contextvars.Token | None = None

    @classmethod
    def get(cls) -> TagsContext:
        return cls(_tags.get())

    def __enter__(self) -> TagsContext:
        if self._token is not None:
            raise RuntimeError("Context already entered. Context enter calls cannot be nested.")
        self._token = _tags.set(frozenset(self.current_tags))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is None:
            raise RuntimeError("Asymmetric use of context. Context exit called without an enter.")
        _tags.reset(self._token)
        self._token = None

    def serialize(self) -> dict[str, Any]:
        return {"current_tags": set(self.current_tags)}


class SettingsContext:
    """The settings in force (`headrace.settings.get_current_settings()`) and the profile
    they came from. Outside any entered one, `get()` gives the process's root context."""

    __var__: ClassVar[contextvars.ContextVar[SettingsContext | None]] = contextvars.ContextVar(
        "headrace_settings_context", default=None
    )

    def __init__(self, profile: Any = None, settings: Any = None) -> None:
        from headrace.settings import get_current_settings

        self.profile = profile
        self.settings = settings if settings is not None else get_current_settings()
        self._tokens: list[contextvars.Token] = []

    @classmethod
    def get(cls) -> SettingsContext:
        """The innermost entered settings context, else the process's own."""
        return cls.__var__.get(None) or GLOBAL_SETTINGS_CONTEXT

    def __enter__(self) -> SettingsContext:
        self._tokens.append(self.__var__.set(self))
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._tokens:
            raise RuntimeError("Asymmetric use of context. Context exit called without an enter.")
        self.__var__.reset(self._tokens.pop())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SettingsContext):
            return NotImplemented
        return (self.profile, self.settings) == (other.profile, other.settings)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        name = getattr(self.profile, "name", None)
        return f"SettingsContext(profile={name!r}, settings={self.settings!r})"

    def serialize(self, include_secrets: bool = True) -> dict[str, Any]:
        """Profile and settings as plain data (paths as text, secrets as their text
        unless `include_secrets=False`), to rebuild with `hydrated_context`."""
        return {
            "profile": _plain(self.profile, include_secrets),
            "settings": _plain(self.settings, include_secrets),
        }


class _ProcessSettingsContext(SettingsContext):
    """The process's settings context: its profile and settings follow the environment
    (`HEADRACE_*` variables, `temporary_settings`), as headrace's settings always do."""

    def __init__(self) -> None:
        self._tokens = []

    @property
    def profile(self) -> Any:  # type: ignore[override]
        return root_settings_context().profile

    @property
    def settings(self) -> Any:  # type: ignore[override]
        return root_settings_context().settings


#: the root context last made, with the settings object it was made for
_root: list[Any] = [None, None]


def root_settings_context() -> SettingsContext:
    """The settings context of the process: the active profile (`HEADRACE_PROFILE` /
    `PREFECT_PROFILE`, else the profiles file's `active`) and the settings in force. The
    home directory is created if missing."""
    import sys

    from headrace.settings import Profile, get_current_settings, load_profiles

    settings = get_current_settings()
    if _root[0] is settings:
        return _root[1]
    profiles = load_profiles()
    name, source = profiles.active_name, "in the profiles file"
    for variable in ("HEADRACE_PROFILE", "PREFECT_PROFILE"):
        if os.environ.get(variable):
            name, source = os.environ[variable], "by environment variable"
            break
    if name not in profiles.names:
        print(
            f"WARNING: Active profile {name!r} set {source} not found. The default profile "
            "will be used instead. ",
            file=sys.stderr,
        )
        name = "default"
    home = settings.home
    if not home.exists():
        try:
            home.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            print(f"WARNING: could not create the headrace home {home}: {exc}", file=sys.stderr)
    profile = profiles[name] if name in profiles.names else Profile(name, {})
    context = SettingsContext(profile=profile, settings=settings)
    _root[:] = [settings, context]
    return context


def get_settings_context() -> SettingsContext:
    """The settings context in force (there always is one)."""
    context = SettingsContext.get()
    if context is None:
        raise MissingContextError("No settings context found.")
    return context


@contextmanager
def use_profile(
    profile: Any,
    override_environment_variables: bool = False,
    include_current_context: bool = True,
) -> Iterator[SettingsContext]:
    """Run the block under a profile (a name in the profiles file, or a `Profile`): its
    settings are in force in this thread or async context until the block ends. Variables
    set in the environment win unless `override_environment_variables`; with
    `include_current_context`, enclosing `use_profile` blocks' settings stay in force."""
    from headrace.settings import Profile, apply_profile_settings, load_profiles

    if isinstance(profile, str):
        profiles = load_profiles()
        if profile in profiles.names:
            profile = profiles[profile]
        elif profile == "ephemeral":
            # Prefect's built-in profile without a server: headrace's embedded store
            profile = Profile("ephemeral", {})
        else:
            raise KeyError(
                f"profile {profile!r} not found; known: {', '.join(sorted(profiles.names))}"
            )
    if not isinstance(profile, Profile):
        raise TypeError(
            f"Unexpected type {type(profile).__name__!r} for `profile`. "
            "Expected 'str' or 'Profile'."
        )
    profile.validate_settings()
    applied = apply_profile_settings(
        profile.settings, override_environment_variables, include_current_context
    )
    with applied as settings, SettingsContext(profile=profile, settings=settings) as context:
        yield context


def _plain(value: Any, include_secrets: bool = True) -> Any:
    """A value as plain data (dicts, lists, strings), for serialized contexts."""
    import dataclasses
    from pathlib import PurePath

    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "get_secret_value"):
        return value.get_secret_value() if include_secrets else str(value)
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump(), include_secrets)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name), include_secrets)
            for f in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {
            str(getattr(key, "name", key)): _plain(item, include_secrets)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item, include_secrets) for item in value]
    return str(value)


def serialize_context(asset_ctx_kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """The current contexts as plain data, to rebuild with `hydrated_context` in another
    thread or process (a flow run's task runs sent to workers, for instance)."""
    flow_ctx = FlowRunContext.get()
    task_ctx = TaskRunContext.get()
    current = _tags.get()
    return {
        "flow_run_context": _serialize_run(flow_ctx, "flow") if flow_ctx else {},
        "task_run_context": _serialize_run(task_ctx, "task") if task_ctx else {},
        "tags_context": {"current_tags": set(current)} if current else {},
        "settings_context": SettingsContext.get().serialize(),
        "asset_context": dict(asset_ctx_kwargs or {}),
        "deployment_id": getattr(flow_ctx.flow_run, "deployment_id", None) if flow_ctx else None,
        "deployment_parameters": None,
    }


def _serialize_run(ctx: Any, kind: str) -> dict[str, Any]:
    return {
        kind: getattr(ctx, kind),
        f"{kind}_run": getattr(ctx, f"{kind}_run"),
        "parameters": dict(ctx.parameters),
        "log_prints": ctx.log_prints,
        "result_store": ctx.result_store,
    }


class _ContextWrappedCallable:
    """Calls a function inside the contexts that were current when it was wrapped. It
    pickles with the standard pickle (the contexts travel as cloudpickle bytes), so
    multiprocessing can send it to another process."""

    def __init__(self, fn: Callable[..., Any], serialized_context: dict[str, Any]) -> None:
        import cloudpickle

        self.fn = fn
        self._context = cloudpickle.dumps(serialized_context)
        self._origin = os.getpid()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import sys

        import cloudpickle

        try:
            with hydrated_context(cloudpickle.loads(self._context)):
                return self.fn(*args, **kwargs)
        finally:
            # a pool's worker process never runs exit handlers: write what the call
            # logged to its run now (the store is loaded once something was recorded)
            store = sys.modules.get("headrace.store")
            if store is not None and os.getpid() != self._origin:
                store.get_store().flush()


def with_context(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn`, to be called in another process (a `multiprocessing.Pool`,
    `ProcessPoolExecutor`, `Process`) inside the current flow/task run, tags and settings:
    `get_run_logger()` there logs to this run.

        with multiprocessing.Pool() as pool:
            pool.map(with_context(work), items)
    """
    return _ContextWrappedCallable(fn, serialize_context())  # type: ignore[return-value]


def refresh_global_settings_context() -> None:
    """Read the settings again (after code changed the environment or the profiles file
    behind headrace's back); `GLOBAL_SETTINGS_CONTEXT` follows them from then on."""
    from headrace.settings import forget_cached_settings

    forget_cached_settings()
    _root[:] = [None, None]


@contextmanager
def hydrated_context(serialized: dict[str, Any] | None = None) -> Iterator[None]:
    """Enter the contexts `serialize_context` described (tags, flow and task runs)."""
    from contextlib import ExitStack

    serialized = serialized or {}
    with ExitStack() as stack:
        settings_data = serialized.get("settings_context") or {}
        if settings_data:
            stack.enter_context(_hydrated_settings(settings_data))
        tags_ctx = serialized.get("tags_context") or {}
        if tags_ctx.get("current_tags"):
            stack.enter_context(TagsContext(tags_ctx["current_tags"]))
        flow_data = serialized.get("flow_run_context") or {}
        if flow_data:
            flow = flow_data["flow"]
            ctx = FlowRunContext(
                flow,
                flow_data["flow_run"],
                flow.task_runner.duplicate(),
                flow_data.get("parameters", {}),
                flow_data.get("result_store"),
                bool(flow_data.get("log_prints")),
                _run_logger("flow", flow_data["flow_run"], flow),
            )
            stack.enter_context(ctx.task_runner)
            stack.enter_context(ctx)
        task_data = serialized.get("task_run_context") or {}
        if task_data:
            task_ctx = TaskRunContext(
                task_data["task"],
                task_data["task_run"],
                task_data.get("parameters", {}),
                bool(task_data.get("log_prints")),
                _run_logger("task", task_data["task_run"], task_data["task"]),
                task_data.get("result_store"),
            )
            token = TaskRunContext._var.set(task_ctx)
            stack.callback(TaskRunContext._var.reset, token)
        yield


#: what `SettingsContext.get()` gives outside any entered settings context
GLOBAL_SETTINGS_CONTEXT: SettingsContext = _ProcessSettingsContext()


def _hydrated_settings(data: dict[str, Any]) -> SettingsContext:
    """A SettingsContext from `SettingsContext.serialize()` output: the profile rebuilt,
    the settings in force here with the serialized values put back (parsed again, so
    paths are paths of this system and secrets are secrets)."""
    from pathlib import Path

    from headrace.settings import Profile, get_current_settings, parse_setting_value

    profile_data = data.get("profile")
    profile = None
    if isinstance(profile_data, dict):
        source = profile_data.get("source")
        profile = Profile(
            profile_data.get("name") or "default",
            dict(profile_data.get("settings") or {}),
            Path(source) if source else None,
        )
    settings = get_current_settings()

    def merged(section: Any, values: dict[str, Any], path: str) -> Any:
        update = {}
        for key, value in values.items():
            dotted = f"{path}.{key}" if path else key
            current = getattr(section, key, None)
            if isinstance(value, dict) and hasattr(current, "model_copy"):
                update[key] = merged(current, value, dotted)
            else:
                update[key] = parse_setting_value(dotted, value)
        return section.model_copy(update=update)

    if isinstance(data.get("settings"), dict):
        settings = merged(settings, data["settings"], "")
    return SettingsContext(profile=profile, settings=settings)


def __getattr__(name: str) -> Any:
    # ContextModel is pydantic-based; build it only for code that uses it, so that
    # `from headrace import task` never imports pydantic
    if name == "ContextModel":
        from headrace._context_model import ContextModel

        globals()[name] = ContextModel
        return ContextModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ContextModel",
    "EngineContext",
    "FlowRunContext",
    "RunContext",
    "SettingsContext",
    "TagsContext",
    "TaskRunContext",
    "current_tags",
    "get_run_context",
    "get_settings_context",
    "root_settings_context",
    "refresh_global_settings_context",
    "use_profile",
    "with_context",
    "hydrated_context",
    "serialize_context",
    "tags",
]
