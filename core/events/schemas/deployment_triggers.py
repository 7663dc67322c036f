"""Triggers given to `flow.deploy(triggers=...)` / `flow.serve(triggers=...)`: each becomes an
automation that runs that deployment (with `parameters`, which may be templates)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field

from headrace.events.actions import RunDeployment
from headrace.events.schemas.automations import (
    CompoundTrigger,
    EventTrigger,
    MetricTrigger,
    SequenceTrigger,
    Trigger,
)


class BaseDeploymentTrigger:
    """The fields a deployment trigger adds to its trigger."""

    trigger_type: ClassVar[type[Trigger]]
    name: str | None
    description: str
    enabled: bool
    parameters: dict[str, Any] | None
    job_variables: dict[str, Any] | None

    def actions(self) -> list[Any]:
        deployment_id = self._deployment_id  # type: ignore[attr-defined]
        if deployment_id is None:
            raise ValueError("this trigger belongs to no deployment: give it to deploy()/serve()")
        return [
            RunDeployment(
                source="selected",
                deployment_id=deployment_id,
                parameters=self.parameters,
                job_variables=self.job_variables,
            )
        ]

    def as_trigger(self) -> Trigger:
        """The plain trigger, without the deployment fields."""
        data = self.model_dump(exclude=set(_DEPLOYMENT_FIELDS))  # type: ignore[attr-defined]
        return self.trigger_type.model_validate(data)


_DEPLOYMENT_FIELDS = ("name", "description", "enabled", "parameters", "job_variables")


class DeploymentEventTrigger(BaseDeploymentTrigger, EventTrigger):
    trigger_type: ClassVar[type[Trigger]] = EventTrigger
    name: str | None = None
    description: str = ""
    enabled: bool = True
    parameters: dict[str, Any] | None = None
    job_variables: dict[str, Any] | None = None


class DeploymentMetricTrigger(BaseDeploymentTrigger, MetricTrigger):
    trigger_type: ClassVar[type[Trigger]] = MetricTrigger
    name: str | None = None
    description: str = ""
    enabled: bool = True
    parameters: dict[str, Any] | None = None
    job_variables: dict[str, Any] | None = None


class DeploymentCompoundTrigger(BaseDeploymentTrigger, CompoundTrigger):
    trigger_type: ClassVar[type[Trigger]] = CompoundTrigger
    name: str | None = None
    description: str = ""
    enabled: bool = True
    parameters: dict[str, Any] | None = None
    job_variables: dict[str, Any] | None = None


class DeploymentSequenceTrigger(BaseDeploymentTrigger, SequenceTrigger):
    trigger_type: ClassVar[type[Trigger]] = SequenceTrigger
    name: str | None = None
    description: str = ""
    enabled: bool = True
    parameters: dict[str, Any] | None = None
    job_variables: dict[str, Any] | None = None


DeploymentTriggerTypes = Annotated[
    DeploymentEventTrigger
    | DeploymentMetricTrigger
    | DeploymentCompoundTrigger
    | DeploymentSequenceTrigger,
    Field(discriminator="type"),
]

__all__ = [
    "BaseDeploymentTrigger",
    "DeploymentCompoundTrigger",
    "DeploymentEventTrigger",
    "DeploymentMetricTrigger",
    "DeploymentSequenceTrigger",
    "DeploymentTriggerTypes",
]
