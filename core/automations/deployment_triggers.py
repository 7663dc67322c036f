"""`deploy(triggers=...)` / `serve(triggers=...)`: each trigger becomes an automation owned
by the deployment, which runs it. Re-deploying replaces the deployment's automations."""

from __future__ import annotations

from typing import Any

from headrace.events import templates as _templates


def normalize_triggers(triggers: Any, deployment_name: str) -> list[Any]:
    """Trigger objects from what `triggers=` got (trigger models or their dicts), checked:
    a bad trigger or template raises ValueError naming the deployment and the trigger."""
    if triggers is None:
        return []
    from pydantic import TypeAdapter, ValidationError

    from headrace.events.schemas.automations import Trigger
    from headrace.events.schemas.deployment_triggers import DeploymentTriggerTypes

    if not isinstance(triggers, (list, tuple)):
        raise TypeError(f"deployment {deployment_name!r}: triggers must be a list")
    adapter: TypeAdapter[Any] = TypeAdapter(DeploymentTriggerTypes)
    found = []
    for index, trigger in enumerate(triggers):
        where = f"deployment {deployment_name!r}, triggers[{index}]"
        if isinstance(trigger, dict):
            try:  # a trigger without a type is an event trigger, as in Prefect
                trigger = adapter.validate_python({"type": "event", **trigger})
            except ValidationError as exc:
                raise ValueError(f"{where}: invalid trigger: {exc}") from None
        if not isinstance(trigger, Trigger):
            raise TypeError(f"{where}: not a trigger: {trigger!r}")
        _templates.check_values(getattr(trigger, "parameters", None) or {}, f"{where} parameters")
        found.append(trigger)
    return found


def sync_deployment_triggers(
    deployment_id: str, deployment_name: str, triggers: list[Any], store: Any = None
) -> list[str]:
    """Replace the deployment's automations with one per trigger; returns their ids."""
    from headrace.automations import Automation
    from headrace.events.schemas.deployment_triggers import BaseDeploymentTrigger
    from headrace.store import get_store

    store = store or get_store()
    owner = f"prefect.deployment.{deployment_id}"
    store.automations.delete_owned(owner)
    ids = []
    for index, trigger in enumerate(triggers):
        trigger.set_deployment_id(deployment_id)
        plain = trigger.as_trigger() if isinstance(trigger, BaseDeploymentTrigger) else trigger
        automation = Automation(
            name=getattr(trigger, "name", None) or f"{deployment_name}__automation_{index + 1}",
            description=getattr(trigger, "description", ""),
            enabled=getattr(trigger, "enabled", True),
            trigger=plain,
            actions=trigger.actions(),
            owner_resource=owner,
        )
        ids.append(str(automation.create().id))
    return ids
