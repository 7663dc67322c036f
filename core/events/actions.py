"""What an automation does when its trigger fires, with Prefect 3's names and fields.

Actions are plain models here; `headrace.automations._actions` carries them out in the
evaluator. Fields that name a deployment, work pool or block hold its id (UUID as in
Prefect); `source="inferred"` takes the deployment or work pool from the triggering event.
String fields of `RunDeployment.parameters`, `SendNotification` and `CallWebhook` are
Jinja templates (sandboxed) rendered with the triggering `event` and the objects it
concerns (`flow_run`, `deployment`, `work_pool`, `automation`).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Action(BaseModel):
    """The base of every action."""

    model_config = ConfigDict(extra="forbid")

    type: str

    def describe_for_cli(self) -> str:
        return self.type.replace("-", " ").capitalize()


class DoNothing(Action):
    """Fire without doing anything (useful to watch a trigger)."""

    type: Literal["do-nothing"] = "do-nothing"


class _SelectedOrInferred(Action):
    source: Literal["selected", "inferred"] = "selected"

    def _require(self, field: str) -> None:
        if self.source == "selected" and getattr(self, field) is None:
            raise ValueError(f"{self.type}: {field} is required when source is 'selected'")
        if self.source == "inferred" and getattr(self, field) is not None:
            raise ValueError(f"{self.type}: {field} must be empty when source is 'inferred'")


class DeploymentAction(_SelectedOrInferred):
    deployment_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _deployment_given(self) -> DeploymentAction:
        self._require("deployment_id")
        return self


class RunDeployment(DeploymentAction):
    """Create a flow run of a deployment, with (templated) parameters."""

    type: Literal["run-deployment"] = "run-deployment"
    parameters: dict[str, Any] | None = None
    job_variables: dict[str, Any] | None = None
    schedule_after: float = Field(0.0, ge=0, description="seconds after the firing to run it")


class PauseDeployment(DeploymentAction):
    type: Literal["pause-deployment"] = "pause-deployment"


class ResumeDeployment(DeploymentAction):
    type: Literal["resume-deployment"] = "resume-deployment"


class WorkPoolAction(_SelectedOrInferred):
    work_pool_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _pool_given(self) -> WorkPoolAction:
        self._require("work_pool_id")
        return self


class PauseWorkPool(WorkPoolAction):
    type: Literal["pause-work-pool"] = "pause-work-pool"


class ResumeWorkPool(WorkPoolAction):
    type: Literal["resume-work-pool"] = "resume-work-pool"


class CancelFlowRun(Action):
    """Cancel the flow run the triggering event is about."""

    type: Literal["cancel-flow-run"] = "cancel-flow-run"


class SuspendFlowRun(Action):
    """Suspend (pause) the flow run the triggering event is about."""

    type: Literal["suspend-flow-run"] = "suspend-flow-run"


class ChangeFlowRunState(Action):
    """Set the state of the flow run the triggering event is about."""

    type: Literal["change-flow-run-state"] = "change-flow-run-state"
    name: str | None = None
    state: Literal[
        "SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED",
        "PAUSED", "CANCELLING",
    ]  # fmt: skip
    message: str | None = None


class AutomationAction(_SelectedOrInferred):
    automation_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _automation_given(self) -> AutomationAction:
        self._require("automation_id")
        return self


class PauseAutomation(AutomationAction):
    """Pause an automation (the selected one, or the one the event is about)."""

    type: Literal["pause-automation"] = "pause-automation"


class ResumeAutomation(AutomationAction):
    type: Literal["resume-automation"] = "resume-automation"


class SendNotification(Action):
    """Send a message through a saved notification block (anything with `notify`)."""

    type: Literal["send-notification"] = "send-notification"
    block_document_id: uuid.UUID
    subject: str = "headrace automated notification"
    body: str


class CallWebhook(Action):
    """Call a saved webhook block with a (templated) payload."""

    type: Literal["call-webhook"] = "call-webhook"
    block_document_id: uuid.UUID
    payload: str = ""


ActionTypes = Annotated[
    DoNothing
    | RunDeployment
    | PauseDeployment
    | ResumeDeployment
    | PauseWorkPool
    | ResumeWorkPool
    | CancelFlowRun
    | SuspendFlowRun
    | ChangeFlowRunState
    | PauseAutomation
    | ResumeAutomation
    | SendNotification
    | CallWebhook,
    Field(discriminator="type"),
]

__all__ = [
    "Action",
    "ActionTypes",
    "AutomationAction",
    "ChangeFlowRunState",
    "PauseAutomation",
    "ResumeAutomation",
    "CallWebhook",
    "CancelFlowRun",
    "DoNothing",
    "PauseDeployment",
    "PauseWorkPool",
    "ResumeDeployment",
    "ResumeWorkPool",
    "RunDeployment",
    "SendNotification",
    "SuspendFlowRun",
]
