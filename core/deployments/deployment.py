"""`RunnerDeployment`: a flow plus how to run it, and Prefect's schedule arguments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict, Unpack

from headrace.deployments import records
from headrace.deployments.loading import EntrypointError, entrypoint_of
from headrace.events.builtin_events import deployment_event
from headrace.run_records import new_run_id
from headrace.schedules import Cron, Interval, RRule, Schedule
from headrace.secret_parameters import seal_parameters
from headrace.store import get_store

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
) -> list[Any]:
    """Schedule objects from Prefect's `interval=`/`cron=`/`rrule=`/`schedules=` arguments."""
    given = [arg for arg in (interval, cron, rrule, schedules, schedule) if arg is not None]
    if len(given) > 1:
        raise ValueError("Only one of interval, cron, rrule, schedule or schedules can be given")

    def as_list(value: Any) -> list[Any]:
        return list(value) if isinstance(value, (list, tuple)) else [value]

    if interval is not None:
        return [Interval(value) for value in as_list(interval)]
    if cron is not None:
        return [Cron(value) for value in as_list(cron)]
    if rrule is not None:
        return [RRule(value) for value in as_list(rrule)]
    found = as_list(schedule) if schedule is not None else list(schedules or [])
    for item in found:
        if not isinstance(item, Schedule):
            raise TypeError(
                f"not a schedule: {item!r} (use headrace.schedules.Cron/Interval/RRule)"
            )
    return found


class RunnerDeployment:
    """A flow plus how to run it: name, schedules, default parameters, tags, work pool."""

    def __init__(
        self,
        flow: Any,
        name: str,
        schedules: list[Any] | None = None,
        parameters: dict[str, Any] | None = None,
        tags: list[str] | None = None,
        description: str | None = None,
        version: str | None = None,
        paused: bool = False,
        work_pool_name: str | None = None,
        entrypoint: str | None = None,
        path: str | None = None,
        triggers: list[Any] | None = None,
    ) -> None:
        self.flow = flow
        self.name = name
        self.schedules = list(schedules or [])
        self.parameters = dict(parameters or {})
        self.tags = list(tags or [])
        self.description = description or flow.description
        self.version = version or flow.version
        self.paused = paused
        self.work_pool_name = work_pool_name
        self.entrypoint = entrypoint
        self.path = path
        self._check_parameters()
        # checked now: a bad trigger or template fails here, not when the event arrives
        self.triggers: list[Any] = []
        if triggers:
            from headrace.automations.deployment_triggers import normalize_triggers

            self.triggers = normalize_triggers(triggers, name)

    @property
    def flow_name(self) -> str:
        return self.flow.name

    def _parameter_names(self) -> list[str] | None:
        signature = self.flow.signature
        return None if signature.var_keyword else signature.names

    def _check_parameters(self) -> None:
        names = self._parameter_names()
        extra = [] if names is None else sorted(set(self.parameters) - set(names))
        if extra:
            raise ValueError(
                f"flow {self.flow_name!r} has no parameter(s) {', '.join(extra)}; "
                f"it takes: {', '.join(names or []) or 'none'}"
            )

    def to_record(self) -> records.DeploymentRecord:
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
            schedules=[schedule.to_dict() for schedule in self.schedules],
            paused=self.paused,
        )

    def apply(self) -> str:
        """Save the deployment in the store; returns its id."""
        if self.work_pool_name is not None:
            records.get_work_pool(self.work_pool_name)  # a clear error for an unknown pool
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


def to_deployment(
    flow: Any,
    name: str | None = None,
    *,
    work_pool_name: str | None = None,
    **options: Unpack[DeploymentOptions],
) -> RunnerDeployment:
    """`Flow.to_deployment`: a deployment object, not saved until served or deployed;
    `options` are `DeploymentOptions`."""
    path, entrypoint = (None, None)
    try:
        path, entrypoint = entrypoint_of(flow)
    except EntrypointError:
        if work_pool_name is not None:
            raise  # a worker must be able to import the flow
    return RunnerDeployment(
        flow,
        name or flow.name,
        schedules=normalize_schedules(
            options.get("interval"),
            options.get("cron"),
            options.get("rrule"),
            options.get("schedules"),
            options.get("schedule"),
        ),
        parameters=options.get("parameters"),
        tags=options.get("tags"),
        description=options.get("description"),
        version=options.get("version"),
        paused=bool(options.get("paused")),
        work_pool_name=work_pool_name,
        entrypoint=entrypoint,
        path=path,
        triggers=options.get("triggers"),
    )
