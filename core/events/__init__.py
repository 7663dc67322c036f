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

_lazy_getattr, __all__ = lazy_exports(
    __name__,
    {
        **dict.fromkeys(
            ["Action", "ActionTypes", "CallWebhook", "CancelFlowRun", "ChangeFlowRunState",
             "DoNothing", "PauseAutomation", "PauseDeployment", "PauseWorkPool",
             "ResumeAutomation", "ResumeDeployment", "ResumeWorkPool", "RunDeployment",
             "SendNotification", "SuspendFlowRun"],
            _ACTIONS,
        ),
        **dict.fromkeys(
            ["AutomationCore", "CompositeTrigger", "CompoundTrigger", "EventTrigger",
             "MetricTrigger", "MetricTriggerOperator", "MetricTriggerQuery", "Posture",
             "ResourceTrigger", "SequenceTrigger", "Trigger", "TriggerTypes"],
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
        "get_events_client": "headrace.events.clients",
        "Automation": "headrace.automations",
    },
)  # fmt: skip

#: Prefect names headrace leaves out on purpose (see docs/compatibility.md)
_REFUSED = {
    "DeclareIncident": "incidents are a Prefect Cloud feature",
    "DeleteFlowRun": "headrace keeps run history; flow runs are not deleted by automations",
    "PauseWorkQueue": "headrace has work pools, not work queues",
    "ResumeWorkQueue": "headrace has work pools, not work queues",
    "FlowRunSubscriber": "use `headrace events stream --follow` or the events API",
    "get_events_subscriber": "use `headrace events stream --follow` or the events API",
}


def __getattr__(name: str) -> object:
    if name in _REFUSED:
        raise NotImplementedError(
            f"headrace.events.{name} is not provided: {_REFUSED[name]} (see docs/compatibility.md)"
        )
    return _lazy_getattr(name)
