"""`RunnerDeployment`: a flow plus how to run it, and Prefect's schedule arguments."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypedDict, Unpack

from headrace._naming import check_name
from headrace.client.schemas.actions import DeploymentScheduleCreate
from headrace.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyOptions
from headrace.deployments import records
from headrace.deployments.loading import EntrypointError, entrypoint_of, load_flow
from headrace.deployments.storage import LocalStorage
from headrace.events.builtin_events import deployment_event
from headrace.run_records import new_run_id
from headrace.schedules import Cron, Interval, RRule, Schedule
from headrace.secret_parameters import seal_parameters
from headrace.store import get_store
from headrace.types.entrypoint import EntrypointType
from headrace.utilities.annotations import freeze

ScheduleArg = Any  # a number, timedelta, string or list of them


class DeploymentOptions(TypedDict, total=False):
    """The keyword arguments `Flow.to_deployment`, `Flow.serve` and `Flow.deploy` share,
    written once. Prefect's infrastructure options (job_variables, work_queue_name,
    image, ...) are accepted too and ignored: headrace runs local processes. `triggers` become
    automations that run the deployment (see headrace.automations)."""

    interval: ScheduleArg
    cron: ScheduleArg
    rrule: ScheduleArg
    paused: bool | None
    schedule: Any
    schedules: Iterable[Any] | None
    parameters: dict[str, Any] | None
    description: str | None
    tags: list[str] | None
    version: str | None
    triggers: list[Any] | None


def normalize_schedules(
    interval: ScheduleArg = None,
    cron: ScheduleArg = None,
    rrule: ScheduleArg = None,
    schedules: Iterable[Any] | None = None,
    schedule: Any = None,
) -> list[DeploymentScheduleCreate]:
    """A deployment's schedules from Prefect's `interval=`/`cron=`/`rrule=`/`schedule=`/
    `schedules=` arguments (at most one of them)."""
    given = [arg for arg in (interval, cron, rrule, schedules, schedule) if arg is not None]
    if len(given) > 1:
        raise ValueError(
            "Only one of interval, cron, rrule, schedule, or schedules can be provided."
        )

    def as_list(value: Any) -> list[Any]:
        return list(value) if isinstance(value, (list, tuple)) else [value]

    if interval is not None:
        found: list[Any] = [Interval(value) for value in as_list(interval)]
    elif cron is not None:
        found = [Cron(value) for value in as_list(cron)]
    elif rrule is not None:
        found = [RRule(value) for value in as_list(rrule)]
    else:
        found = as_list(schedule) if schedule is not None else list(schedules or [])
    return [_schedule_entry(item) for item in found]


def _schedule_entry(item: Any) -> DeploymentScheduleCreate:
    if isinstance(item, DeploymentScheduleCreate):
        return item
    if not isinstance(item, Schedule):
        raise TypeError(f"not a schedule: {item!r} (use headrace.schedules.Cron/Interval/RRule)")
    return DeploymentScheduleCreate(item)


class RunnerDeployment:
    """A flow plus how to run it: name, schedules, default parameters, tags, work pool, and
    where its code is (`path` + `entrypoint`, or a `storage` from headrace.runner.storage).
    Nothing is saved until it is served or deployed (`apply()`)."""

    def __init__(
        self,
        name: str,
        flow_name: str | None = None,
        *,
        flow: Any = None,
        schedules: list[Any] | None = None,
        concurrency_limit: int | ConcurrencyLimitConfig | None = None,
        parameters: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        description: str | None = None,
        version: str | None = None,
        enforce_parameter_schema: bool = True,
        paused: bool = False,
        work_pool_name: str | None = None,
        entrypoint: str | None = None,
        path: str | None = None,
        storage: Any = None,
        triggers: list[Any] | None = None,
    ) -> None:
        if flow is None and flow_name is None:
            raise ValueError("RunnerDeployment needs a flow or a flow_name")
        self.flow = flow
        self.name = check_name(name) or name
        self.flow_name: str = flow_name or flow.name
        self.schedules = [_schedule_entry(item) for item in schedules or []]
        self.concurrency_options: ConcurrencyOptions | None = None
        if isinstance(concurrency_limit, ConcurrencyLimitConfig):
            self.concurrency_options = ConcurrencyOptions(
                collision_strategy=concurrency_limit.collision_strategy
            )
            concurrency_limit = concurrency_limit.limit
        self.concurrency_limit = concurrency_limit
        # a frozen parameter (utilities.annotations.freeze) is stored as its value and
        # marked read-only in the parameter schema
        self.parameters = {
            key: value.unfreeze() if isinstance(value, freeze) else value
            for key, value in (parameters or {}).items()
        }
        self.frozen_parameters = {
            key for key, value in (parameters or {}).items() if isinstance(value, freeze)
        }
        self.tags = list(tags or [])
        self.description = description or getattr(flow, "description", None)
        self.version = version or getattr(flow, "version", None)
        self.enforce_parameter_schema = enforce_parameter_schema
        self.paused = paused
        self.work_pool_name = work_pool_name
        self.entrypoint = entrypoint
        self.path = path
        self.storage = storage
        # checked now: a bad trigger or template fails here, not when the event arrives
        self.triggers: list[Any] = []
        if triggers:
            from headrace.automations.deployment_triggers import normalize_triggers

            self.triggers = normalize_triggers(triggers, name)

    @classmethod
    def from_flow(
        cls,
        flow: Any,
        name: str,
        entrypoint_type: EntrypointType = EntrypointType.FILE_PATH,
        **options: Any,
    ) -> RunnerDeployment:
        """A deployment of `flow`, found again by its file (or, with
        `EntrypointType.MODULE_PATH`, its importable module)."""
        path, entrypoint = None, None
        if entrypoint_type == EntrypointType.MODULE_PATH:
            entrypoint = f"{flow.fn.__module__}.{flow.fn.__name__}"
        else:
            try:
                path, entrypoint = entrypoint_of(flow)
            except EntrypointError:
                if options.get("work_pool_name") is not None:
                    raise  # a worker must be able to import the flow
        return cls(name, flow=flow, path=path, entrypoint=entrypoint, **options)

    @classmethod
    def from_storage(
        cls,
        storage: Any,
        entrypoint: str,
        name: str,
        flow_name: str | None = None,
        *,
        flow: Any = None,
        **options: Any,
    ) -> RunnerDeployment:
        """A deployment of the flow at `entrypoint` in `storage` (pulled into a temporary
        directory to read the flow when `flow` is not given)."""
        if flow is None:
            from headrace.deployments.loading import load_flow_from_storage

            flow = load_flow_from_storage(storage, entrypoint)
        path = str(storage.destination) if isinstance(storage, LocalStorage) else None
        return cls(
            name,
            flow_name or flow.name,
            flow=flow,
            storage=storage,
            entrypoint=entrypoint,
            path=path,
            **options,
        )

    @classmethod
    async def afrom_storage(
        cls, storage: Any, entrypoint: str, name: str, flow_name: str | None = None, **options: Any
    ) -> RunnerDeployment:
        """`from_storage` from async code (pulling and importing run in a worker thread)."""
        import asyncio

        return await asyncio.to_thread(
            cls.from_storage, storage, entrypoint, name, flow_name, **options
        )

    @property
    def _parameter_openapi_schema(self) -> Any:
        """The flow's parameter schema (Prefect's `ParameterSchema`), frozen parameters
        marked `readOnly`; None while the flow is not loaded."""
        if self.flow is None:
            return None
        from headrace.utilities.callables import parameter_schema

        schema = parameter_schema(self.flow.fn)
        for name in self.frozen_parameters & set(schema.properties):
            schema.properties[name]["readOnly"] = True
        return schema

    def _parameter_names(self) -> list[str] | None:
        signature = getattr(self.flow, "signature", None)
        return None if signature is None or signature.var_keyword else signature.names

    def _check_parameters(self) -> None:
        names = self._parameter_names()
        extra = [] if names is None else sorted(set(self.parameters) - set(names))
        if extra and self.enforce_parameter_schema:
            raise ValueError(
                f"flow {self.flow_name!r} has no parameter(s) {', '.join(extra)}; "
                f"it takes: {', '.join(names or []) or 'none'}"
            )

    def load_flow(self) -> Any:
        """The flow this deployment runs (imported from its entrypoint when not given)."""
        if self.flow is None:
            if self.storage is not None:
                from headrace.deployments.loading import load_flow_from_storage

                self.flow = load_flow_from_storage(self.storage, self.entrypoint or "")
            else:
                self.flow = load_flow(self.path, self.entrypoint or "")
        return self.flow

    def to_record(self) -> records.DeploymentRecord:
        self._check_parameters()
        return records.DeploymentRecord(
            id=new_run_id(),
            name=self.name,
            flow_name=self.flow_name,
            path=self.path,
            entrypoint=self.entrypoint,
            work_pool_name=self.work_pool_name,
            # secret values are stored encrypted and reach the runs as the real secret
            parameters=seal_parameters(
                self.parameters, f"deployment '{self.flow_name}/{self.name}'"
            ),
            parameter_names=self._parameter_names(),
            tags=self.tags,
            description=self.description,
            version=self.version,
            schedules=[entry.schedule.to_dict() for entry in self.schedules],
            paused=self.paused,
        )

    def apply(self) -> str:
        """Save the deployment in the store; returns its id."""
        if self.work_pool_name is not None:
            records.get_work_pool(self.work_pool_name)  # a clear error for an unknown pool
        if self.concurrency_limit is not None:
            import warnings

            warnings.warn(
                f"deployment {self.name!r}: concurrency_limit is not enforced by headrace yet; "
                "limit the flow's work with a global concurrency limit "
                "(headrace.concurrency.sync.concurrency) instead",
                UserWarning,
                stacklevel=2,
            )
        store = get_store()
        existed = store.deployments.read_by_name(self.flow_name, self.name) is not None
        saved = records.save_deployment(self.to_record())
        deployment_event("updated" if existed else "created", saved)
        if self.triggers:
            from headrace.automations.deployment_triggers import sync_deployment_triggers

            sync_deployment_triggers(saved.id, self.name, self.triggers, store)
        elif existed:  # deployed again without triggers: its automations go
            store.automations.delete_owned(f"prefect.deployment.{saved.id}")
        return saved.id

    def __repr__(self) -> str:
        return f"RunnerDeployment(name={self.name!r}, flow_name={self.flow_name!r})"


def _deployment_settings(
    flow: Any,
    name: str | None,
    work_pool_name: str | None,
    concurrency_limit: int | ConcurrencyLimitConfig | None,
    enforce_parameter_schema: bool,
    options: DeploymentOptions,
) -> tuple[str, dict[str, Any]]:
    """The checked name and the RunnerDeployment keyword arguments of a `to_deployment`
    call. A `name` that is a path to a `.py` file (`__file__`) becomes the file's stem."""
    name = name or flow.name
    if name.endswith(".py"):
        name = Path(name).stem
    check_name(name)
    return name, {
        "schedules": normalize_schedules(
            options.get("interval"),
            options.get("cron"),
            options.get("rrule"),
            options.get("schedules"),
            options.get("schedule"),
        ),
        "concurrency_limit": concurrency_limit,
        "parameters": options.get("parameters"),
        "tags": options.get("tags"),
        "description": options.get("description"),
        "version": options.get("version"),
        "enforce_parameter_schema": enforce_parameter_schema,
        "paused": bool(options.get("paused")),
        "work_pool_name": work_pool_name,
        "triggers": options.get("triggers"),
    }


def to_deployment(
    flow: Any,
    name: str | None = None,
    *,
    work_pool_name: str | None = None,
    entrypoint_type: EntrypointType = EntrypointType.FILE_PATH,
    concurrency_limit: int | ConcurrencyLimitConfig | None = None,
    enforce_parameter_schema: bool = True,
    **options: Unpack[DeploymentOptions],
) -> RunnerDeployment:
    """`Flow.to_deployment`: a deployment object, not saved until served or deployed;
    `options` are `DeploymentOptions`. A flow from `Flow.from_source` keeps its storage."""
    name, settings = _deployment_settings(
        flow, name, work_pool_name, concurrency_limit, enforce_parameter_schema, options
    )
    storage, entrypoint = flow._storage, flow._entrypoint
    if storage is not None and entrypoint is not None:
        return RunnerDeployment.from_storage(
            storage=storage,
            entrypoint=entrypoint,
            name=name,
            flow_name=flow.name,
            flow=flow,
            **settings,
        )
    return RunnerDeployment.from_flow(flow, name, entrypoint_type, **settings)


async def ato_deployment(
    flow: Any,
    name: str | None = None,
    *,
    work_pool_name: str | None = None,
    entrypoint_type: EntrypointType = EntrypointType.FILE_PATH,
    concurrency_limit: int | ConcurrencyLimitConfig | None = None,
    enforce_parameter_schema: bool = True,
    **options: Unpack[DeploymentOptions],
) -> RunnerDeployment:
    """`Flow.ato_deployment`: `to_deployment` from async code."""
    name, settings = _deployment_settings(
        flow, name, work_pool_name, concurrency_limit, enforce_parameter_schema, options
    )
    storage, entrypoint = flow._storage, flow._entrypoint
    if storage is not None and entrypoint is not None:
        return await RunnerDeployment.afrom_storage(
            storage=storage,
            entrypoint=entrypoint,
            name=name,
            flow_name=flow.name,
            flow=flow,
            **settings,
        )
    return RunnerDeployment.from_flow(flow, name, entrypoint_type, **settings)
