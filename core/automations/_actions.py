"""Carrying out an automation's actions, in the evaluator holding the lease.

Each action gets the triggering event and the objects it concerns (`flow_run`,
`deployment`, `work_pool`, `flow`, `automation`) for its templates. An action that fails
raises `ActionFailed` with a message for people; the evaluator records it on the
automation and goes on.
"""

from __future__ import annotations

import time
from typing import Any

from headrace.events import templates as _templates
from headrace.events.actions import (
    Action,
    CallWebhook,
    CancelFlowRun,
    ChangeFlowRunState,
    DoNothing,
    PauseAutomation,
    PauseDeployment,
    PauseWorkPool,
    ResumeAutomation,
    ResumeDeployment,
    ResumeWorkPool,
    RunDeployment,
    SendNotification,
    SuspendFlowRun,
)
from headrace.store.interface import EventRow

_PREFIXES = {
    "flow_run": "prefect.flow-run.",
    "deployment": "prefect.deployment.",
    "work_pool": "prefect.work-pool.",
    "flow": "prefect.flow.",
}


class ActionFailed(Exception):
    """An action that could not be carried out (the message says why)."""


def _resources(event: EventRow | None) -> list[dict[str, str]]:
    return [] if event is None else [event["resource"], *event["related"]]


def resource_of(event: EventRow | None, kind: str) -> tuple[str, dict[str, str]] | None:
    """The (id, labels) of the first resource of `kind` (`flow_run`, `deployment`, ...)
    the event is about or relates to."""
    prefix = _PREFIXES[kind]
    for labels in _resources(event):
        resource_id = labels.get("prefect.resource.id", "")
        if resource_id.startswith(prefix):
            return resource_id[len(prefix) :], labels
    return None


def template_context(
    store: Any, automation: dict[str, Any], event: EventRow | None
) -> dict[str, Any]:
    """What templates can read: the event and the objects it concerns (None when absent)."""
    from headrace.events.utilities import event_from_row

    context: dict[str, Any] = {
        "automation": {"id": automation["id"], "name": automation["name"]},
        "event": None if event is None else event_from_row(event),
        "flow_run": None,
        "deployment": None,
        "work_pool": None,
        "flow": None,
    }
    found = resource_of(event, "flow_run")
    if found is not None:
        row = store.runs.read_flow_run(found[0])
        if row is not None:
            context["flow_run"] = {
                **row,
                "state": {
                    "type": row["state_type"],
                    "name": row["state_name"],
                    "message": row["state_message"],
                },  # fmt: skip
            }
    found = resource_of(event, "deployment")
    if found is not None:
        record = store.deployments.read(found[0])
        context["deployment"] = None if record is None else record.to_dict()
    found = resource_of(event, "work_pool")
    if found is not None and found[1].get("prefect.resource.name"):
        context["work_pool"] = store.deployments.read_work_pool(found[1]["prefect.resource.name"])
    found = resource_of(event, "flow")
    if found is not None:
        context["flow"] = {"id": found[0], "name": found[1].get("prefect.resource.name")}
    return context


def _deployment_id(action: Any, event: EventRow | None) -> str:
    if action.source == "selected":
        return str(action.deployment_id)
    found = resource_of(event, "deployment")
    if found is None:
        raise ActionFailed(f"{action.type}: the triggering event concerns no deployment")
    return found[0]


def _deployment(store: Any, deployment_id: str) -> Any:
    record = store.deployments.read(deployment_id)
    if record is None:
        raise ActionFailed(f"deployment {deployment_id} not found")
    return record


def _work_pool_name(store: Any, action: Any, event: EventRow | None) -> str:
    from headrace.events.utilities import work_pool_id

    if action.source == "inferred":
        found = resource_of(event, "work_pool")
        if found is None or not found[1].get("prefect.resource.name"):
            raise ActionFailed(f"{action.type}: the triggering event concerns no work pool")
        return found[1]["prefect.resource.name"]
    wanted = str(action.work_pool_id)
    for pool in store.deployments.list_work_pools():
        if work_pool_id(pool["name"]) == wanted:
            return pool["name"]
    raise ActionFailed(f"work pool {wanted} not found")


def _flow_run(store: Any, action: Action, event: EventRow | None) -> dict[str, Any]:
    found = resource_of(event, "flow_run")
    if found is None:
        raise ActionFailed(f"{action.type}: the triggering event concerns no flow run")
    row = store.runs.read_flow_run(found[0])
    if row is None:
        raise ActionFailed(f"flow run {found[0]} not found")
    return row


def _block(store: Any, block_document_id: Any, needs: str) -> Any:
    from headrace.blocks.core import Block

    document = store.blocks.get_by_id(str(block_document_id))
    if document is None:
        raise ActionFailed(f"block document {block_document_id} not found")
    block = Block.load(document.reference)
    if not callable(getattr(block, needs, None)):
        raise ActionFailed(
            f"block {document.reference!r} ({type(block).__name__}) has no {needs}() method"
        )
    return block


def _set_run_state(store: Any, row: dict[str, Any], state: tuple[str, str], message: str) -> None:
    from headrace.events.builtin_events import flow_run_state_change

    if not store.runs.set_flow_run_state(row["id"], state[0], state[1], message):
        raise ActionFailed(
            f"flow run {row['id']} is already {row['state_name']}; it was left as it is"
        )
    flow_run_state_change(
        row["id"], row["name"], row["flow_name"], row["deployment_id"], row["tags"],
        state[0], state[1], message,
    )  # fmt: skip


def _json_or_text(payload: str) -> Any:
    """A rendered payload that is a JSON object is sent as JSON, anything else as text."""
    import json

    try:
        parsed = json.loads(payload)
    except ValueError:
        return payload
    return parsed if isinstance(parsed, dict) else payload


def run(store: Any, action: Action, automation: dict[str, Any], event: EventRow | None) -> str:
    """Carry out one action; returns what it did, raises ActionFailed."""
    where = f"automation {automation['name']!r}, action {action.type}"
    try:
        return _run(store, action, automation, event, where)
    except ActionFailed:
        raise
    except _templates.TemplateError as exc:
        raise ActionFailed(str(exc)) from None
    except Exception as exc:
        raise ActionFailed(f"{type(exc).__name__}: {exc}") from None


def _run(store: Any, action: Action, automation: dict[str, Any], event: EventRow | None,
         where: str) -> str:  # fmt: skip
    if isinstance(action, DoNothing):
        return "nothing"
    if isinstance(action, RunDeployment):
        from headrace.secret_parameters import seal_parameters

        record = _deployment(store, _deployment_id(action, event))
        context = template_context(store, automation, event)
        parameters = _templates.render_values(action.parameters or {}, context, where)
        unknown = sorted(set(parameters) - set(record.parameter_names or parameters))
        if unknown:
            raise ActionFailed(
                f"deployment {record.full_name} has no parameter(s) {', '.join(unknown)}"
            )
        sealed = seal_parameters(parameters, f"a run of deployment {record.full_name!r}")
        when = time.time() + action.schedule_after
        run_id = store.deployments.create_flow_run(record, {**record.parameters, **sealed}, when)
        return f"created flow run {run_id} of {record.full_name}"
    if isinstance(action, (PauseDeployment, ResumeDeployment)):
        from headrace.events.builtin_events import deployment_event

        record = _deployment(store, _deployment_id(action, event))
        paused = isinstance(action, PauseDeployment)
        if store.deployments.set_paused(record.id, paused):
            deployment_event("paused" if paused else "resumed", record)
        return f"{'paused' if paused else 'resumed'} {record.full_name}"
    if isinstance(action, (PauseWorkPool, ResumeWorkPool)):
        from headrace.events.builtin_events import work_pool_event

        name = _work_pool_name(store, action, event)
        paused = isinstance(action, PauseWorkPool)
        if store.automations.set_work_pool_paused(name, paused):
            work_pool_event("paused" if paused else "resumed", name)
        return f"{'paused' if paused else 'resumed'} work pool {name}"
    if isinstance(action, CancelFlowRun):
        row = _flow_run(store, action, event)
        _set_run_state(store, row, ("CANCELLED", "Cancelled"),
                       f"Cancelled by automation {automation['name']!r}")  # fmt: skip
        return f"cancelled flow run {row['id']}"
    if isinstance(action, SuspendFlowRun):
        row = _flow_run(store, action, event)
        _set_run_state(store, row, ("PAUSED", "Suspended"),
                       f"Suspended by automation {automation['name']!r}")  # fmt: skip
        return f"suspended flow run {row['id']}"
    if isinstance(action, ChangeFlowRunState):
        row = _flow_run(store, action, event)
        name = action.name or action.state.capitalize()
        message = action.message or f"State changed by automation {automation['name']!r}"
        _set_run_state(store, row, (action.state, name), message)
        return f"set flow run {row['id']} to {name}"
    if isinstance(action, (PauseAutomation, ResumeAutomation)):
        target = str(action.automation_id) if action.automation_id else None
        if target is None:
            found = next((r["prefect.resource.id"] for r in _resources(event)
                          if r.get("prefect.resource.id", "").startswith("prefect.automation.")),
                         None)  # fmt: skip
            if found is None:
                raise ActionFailed(f"{action.type}: the triggering event concerns no automation")
            target = found[len("prefect.automation.") :]
        enabled = isinstance(action, ResumeAutomation)
        if not store.automations.set_enabled(target, enabled):
            raise ActionFailed(f"automation {target} not found")
        return f"{'resumed' if enabled else 'paused'} automation {target}"
    if isinstance(action, SendNotification):
        block = _block(store, action.block_document_id, "notify")
        context = template_context(store, automation, event)
        subject = _templates.render(action.subject, context, f"{where} subject")
        body = _templates.render(action.body, context, f"{where} body")
        block.notify(body, subject)
        return f"notified through {block._block_document_name}"
    if isinstance(action, CallWebhook):
        from headrace.blocks.webhook import call_now

        block = _block(store, action.block_document_id, "call")
        context = template_context(store, automation, event)
        payload = _templates.render(action.payload, context, f"{where} payload")
        call_now(block, _json_or_text(payload))  # an error status is a failed action
        return f"called webhook {block._block_document_name}"
    raise ActionFailed(f"unknown action {action.type!r}")
