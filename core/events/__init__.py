"""Events and the triggers and actions of automations, with Prefect 3's names.

`emit_event(event=..., resource=...)` records an event; headrace itself emits
`prefect.flow-run.<State>` for flow-run state changes and `prefect.deployment.*` /
`prefect.work-pool.*` for deployments and work pools, so triggers written for Prefect
keep working. See docs/events.md. Names load on first use (the models cost an import).
"""

from headrace.utilities.lazy import lazy_exports

_ACTIONS = "headrace.events.actions"
_AUTOMATIONS = "headrace.events.schemas.automations"
_DEPLOYMENT = "headrace.events.schemas.deployment_triggers"
_EVENTS = "headrace.events.schemas.events"

__getattr__, __all__ = lazy_exports(
    __name__,
    {
        **dict.fromkeys(
            ["Action", "ActionTypes", "CallWebhook", "CancelFlowRun", "DoNothing",
             "PauseDeployment", "PauseWorkPool", "ResumeDeployment", "ResumeWorkPool",
             "RunDeployment", "SendNotification", "SuspendFlowRun"],
            _ACTIONS,
        ),
        **dict.fromkeys(
            ["AutomationCore", "CompositeTrigger", "CompoundTrigger", "EventTrigger",
             "MetricTrigger", "Posture", "ResourceTrigger", "SequenceTrigger", "Trigger",
             "TriggerTypes"],
            _AUTOMATIONS,
        ),
        **dict.fromkeys(
            ["DeploymentCompoundTrigger", "DeploymentEventTrigger", "DeploymentMetricTrigger",
             "DeploymentSequenceTrigger", "DeploymentTriggerTypes"],
            _DEPLOYMENT,
        ),
        **dict.fromkeys(
            ["Event", "ReceivedEvent", "RelatedResource", "Resource", "ResourceSpecification"],
            _EVENTS,
        ),
        "emit_event": "headrace.events.utilities",
    },
)  # fmt: skip
