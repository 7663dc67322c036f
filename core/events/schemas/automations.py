"""Triggers and automations, with the names and fields of Prefect 3.

A trigger says which events (or which missing events) make an automation act:

- `EventTrigger`: events named in `expect` (after one named in `after`, if given) about
  resources matching `match` / `match_related`; Reactive fires once `threshold` of them
  arrive `within` a period, Proactive fires when fewer than `threshold` arrive within it.
  `for_each` evaluates it separately per value of the given resource labels.
- `CompoundTrigger`: `require` ("any", "all" or a number) of its triggers fire within
  `within`; `SequenceTrigger`: all of them, in order, within `within`.

The evaluator that runs them is `headrace.automations.evaluator`.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from headrace.events.actions import ActionTypes, RunDeployment
from headrace.events.schemas.events import ResourceSpecification

#: a Proactive trigger needs a window this long at least (as in Prefect)
MIN_PROACTIVE_WITHIN = dt.timedelta(seconds=10)


class Posture(str, enum.Enum):
    Reactive = "Reactive"
    Proactive = "Proactive"
    Metric = "Metric"


def _seconds(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.timedelta(seconds=value)
    return value


class Trigger(BaseModel):
    """The base of every trigger."""

    model_config = ConfigDict(extra="forbid")

    type: str
    _deployment_id: uuid.UUID | None = PrivateAttr(default=None)

    def set_deployment_id(self, deployment_id: uuid.UUID | str) -> None:
        self._deployment_id = uuid.UUID(str(deployment_id))

    def owner_resource(self) -> str | None:
        return f"prefect.deployment.{self._deployment_id}" if self._deployment_id else None

    def actions(self) -> list[Any]:
        """Used for a trigger given to `deploy`/`serve`: run that deployment."""
        if self._deployment_id is None:
            raise ValueError("this trigger belongs to no deployment: give it to deploy()/serve()")
        return [RunDeployment(source="selected", deployment_id=self._deployment_id)]

    def describe_for_cli(self, indent: int = 0) -> str:
        return " " * indent + self.type


class ResourceTrigger(Trigger):
    """A trigger that filters events by the labels of their resources."""

    match: ResourceSpecification = Field(default_factory=lambda: ResourceSpecification({}))
    match_related: ResourceSpecification | list[ResourceSpecification] = Field(default_factory=list)

    @field_validator("match", mode="before")
    @classmethod
    def _coerce_match(cls, value: Any) -> Any:
        return ResourceSpecification({}) if value is None else value

    @field_validator("match_related", mode="before")
    @classmethod
    def _coerce_related(cls, value: Any) -> Any:
        return [] if value is None else value

    def related_specs(self) -> list[ResourceSpecification]:
        related = self.match_related
        return related if isinstance(related, list) else [related]


class EventTrigger(ResourceTrigger):
    """Fires on the presence (Reactive) or absence (Proactive) of events."""

    type: Literal["event"] = "event"
    after: set[str] = Field(default_factory=set)
    expect: set[str] = Field(default_factory=set)
    for_each: set[str] = Field(default_factory=set)
    posture: Literal[Posture.Reactive, Posture.Proactive] = Posture.Reactive
    threshold: int = Field(1, ge=1)
    within: dt.timedelta = Field(dt.timedelta(0), ge=dt.timedelta(0))

    @model_validator(mode="before")
    @classmethod
    def _proactive_window(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "within" in data:
            if data["within"] is None:
                raise ValueError("within must be a number of seconds or a timedelta")
            data["within"] = _seconds(data["within"])
        posture = data.get("posture")
        if posture in (Posture.Proactive, "Proactive"):
            within = data.get("within") or dt.timedelta(0)
            if not within:
                data["within"] = MIN_PROACTIVE_WITHIN
            elif isinstance(within, dt.timedelta) and within < MIN_PROACTIVE_WITHIN:
                raise ValueError("within must be at least 10 seconds for a Proactive trigger")
        return data

    def describe_for_cli(self, indent: int = 0) -> str:
        kind = "expecting" if self.posture == Posture.Reactive else "expecting no fewer than"
        text = f"{self.posture.value}: {kind} {self.threshold} of {sorted(self.expect) or 'any'}"
        if self.within:
            text += f" within {self.within.total_seconds():g}s"
        return " " * indent + text


class MetricTriggerOperator(enum.Enum):
    LT = "<"
    LTE = "<="
    GT = ">"
    GTE = ">="


class PrefectMetric(str, enum.Enum):
    lateness = "lateness"
    duration = "duration"
    successes = "successes"


class MetricTriggerQuery(BaseModel):
    """What a metric trigger would watch (the names load; see `MetricTrigger`)."""

    name: PrefectMetric
    threshold: float
    operator: MetricTriggerOperator
    range: dt.timedelta = dt.timedelta(seconds=300)
    firing_for: dt.timedelta = dt.timedelta(seconds=300)


class MetricTrigger(ResourceTrigger):
    """Refused with a clear error: headrace does not evaluate metrics (see docs/events.md)."""

    type: Literal["metric"] = "metric"
    posture: Literal[Posture.Metric] = Posture.Metric
    metric: MetricTriggerQuery

    @model_validator(mode="after")
    def _unsupported(self) -> MetricTrigger:
        raise ValueError(
            "MetricTrigger is not supported by headrace (see docs/events.md); "
            "use an EventTrigger with threshold/within"
        )


class CompositeTrigger(Trigger):
    """A trigger made of other triggers."""

    triggers: list[TriggerTypes]
    within: dt.timedelta | None = None

    @field_validator("within", mode="before")
    @classmethod
    def _within_seconds(cls, value: Any) -> Any:
        return _seconds(value)

    @field_validator("triggers")
    @classmethod
    def _some(cls, value: list[Any]) -> list[Any]:
        if not value:
            raise ValueError("a composite trigger needs at least one trigger")
        return value


class CompoundTrigger(CompositeTrigger):
    """Fires when `require` of its triggers have fired within `within`."""

    type: Literal["compound"] = "compound"
    require: int | Literal["any", "all"]

    @model_validator(mode="after")
    def _require_range(self) -> CompoundTrigger:
        if isinstance(self.require, int) and not 1 <= self.require <= len(self.triggers):
            raise ValueError(
                f"require must be between 1 and the number of triggers ({len(self.triggers)})"
            )
        return self

    def required(self) -> int:
        if self.require == "any":
            return 1
        if self.require == "all":
            return len(self.triggers)
        return int(self.require)


class SequenceTrigger(CompositeTrigger):
    """Fires when its triggers have fired in order within `within`."""

    type: Literal["sequence"] = "sequence"


TriggerTypes = Annotated[
    EventTrigger | MetricTrigger | CompoundTrigger | SequenceTrigger,
    Field(discriminator="type"),
]
CompositeTrigger.model_rebuild()
CompoundTrigger.model_rebuild()
SequenceTrigger.model_rebuild()


class AutomationCore(BaseModel):
    """What an automation is: a trigger and the actions it takes."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    description: str = ""
    enabled: bool = True
    tags: list[str] = Field(default_factory=list)
    trigger: TriggerTypes
    actions: list[ActionTypes] = Field(min_length=1)
    actions_on_trigger: list[ActionTypes] = Field(default_factory=list)
    actions_on_resolve: list[ActionTypes] = Field(default_factory=list)
    owner_resource: str | None = None


__all__ = [
    "AutomationCore",
    "CompositeTrigger",
    "CompoundTrigger",
    "EventTrigger",
    "MetricTrigger",
    "MetricTriggerOperator",
    "MetricTriggerQuery",
    "Posture",
    "PrefectMetric",
    "ResourceTrigger",
    "SequenceTrigger",
    "Trigger",
    "TriggerTypes",
]
