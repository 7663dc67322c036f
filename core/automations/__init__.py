"""`Automation`: a trigger and the actions it takes, as Prefect 3's `prefect.automations`.

    Automation(
        name="rerun-on-upload",
        trigger=EventTrigger(expect={"s3.file.uploaded"}),
        actions=[RunDeployment(deployment_id=..., parameters={"key": "{{ event.payload.key }}"})],
    ).create()

`create()` checks the templates and that the deployments, work pools and blocks the
actions name exist, so a mistake fails there. A long-running process evaluates the
automations (see `headrace.automations.evaluator`).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from headrace.events import templates as _templates
from headrace.events.actions import (  # noqa: E402 - Prefect's `prefect.automations` names
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
from headrace.events.schemas.automations import (  # noqa: E402
    AutomationCore,
    CompositeTrigger,
    CompoundTrigger,
    EventTrigger,
    MetricTrigger,
    MetricTriggerOperator,
    MetricTriggerQuery,
    Posture,
    PrefectMetric,
    ResourceTrigger,
    SequenceTrigger,
    Trigger,
)
from headrace.events.schemas.events import ResourceSpecification  # noqa: E402
from headrace.exceptions import ObjectNotFound
from headrace.store.interface import AutomationRow

__all__ = [
    "Automation",
    "AutomationCore",
    "CallWebhook",
    "CancelFlowRun",
    "ChangeFlowRunState",
    "CompositeTrigger",
    "CompoundTrigger",
    "DoNothing",
    "EventTrigger",
    "MetricTrigger",
    "MetricTriggerOperator",
    "MetricTriggerQuery",
    "PauseAutomation",
    "PauseDeployment",
    "PauseWorkPool",
    "Posture",
    "PrefectMetric",
    "ResourceSpecification",
    "ResourceTrigger",
    "ResumeAutomation",
    "ResumeDeployment",
    "ResumeWorkPool",
    "RunDeployment",
    "SendNotification",
    "SequenceTrigger",
    "SuspendFlowRun",
    "Trigger",
    "check_automation",
]


def _store() -> Any:
    from headrace.store import get_store

    return get_store()


def check_automation(core: AutomationCore, store: Any) -> None:
    """Raise ValueError (naming the automation and the field) for a template that does not
    parse or an action naming a deployment, work pool or block that does not exist."""
    from headrace.events.utilities import work_pool_id

    where = f"automation {core.name!r}"
    groups = (("actions", core.actions), ("actions_on_trigger", core.actions_on_trigger),
              ("actions_on_resolve", core.actions_on_resolve))  # fmt: skip
    pools: set[str] | None = None
    for group, actions in groups:
        for index, action in enumerate(actions):
            at = f"{where}, {group}[{index}] ({action.type})"
            if isinstance(action, RunDeployment):
                _templates.check_values(action.parameters or {}, f"{at} parameters")
            if isinstance(action, SendNotification):
                _templates.check(action.subject, f"{at} subject")
                _templates.check(action.body, f"{at} body")
            if isinstance(action, CallWebhook):
                _templates.check(action.payload, f"{at} payload")
            deployment_id = getattr(action, "deployment_id", None)
            kinds = (RunDeployment, PauseDeployment, ResumeDeployment)
            if (
                isinstance(action, kinds)
                and deployment_id is not None
                and store.deployments.read(str(deployment_id)) is None
            ):
                raise ValueError(f"{at}: deployment {deployment_id} not found")
            pool_id = getattr(action, "work_pool_id", None)
            if isinstance(action, (PauseWorkPool, ResumeWorkPool)) and pool_id is not None:
                if pools is None:
                    pools = {work_pool_id(p["name"]) for p in store.deployments.list_work_pools()}
                if str(pool_id) not in pools:
                    raise ValueError(f"{at}: work pool {pool_id} not found")
            block_id = getattr(action, "block_document_id", None)
            if block_id is not None and store.blocks.get_by_id(str(block_id)) is None:
                raise ValueError(f"{at}: block document {block_id} not found")


def _spec(core: AutomationCore) -> dict[str, Any]:
    return core.model_dump(mode="json", exclude={"id"})


class Automation(AutomationCore):
    """An automation; `id` is set once it is created (or read)."""

    id: uuid.UUID | None = None

    @classmethod
    def _from_row(cls, row: AutomationRow) -> Automation:
        fields = {key: row[key] for key in ("name", "description", "enabled", "tags", "trigger",
                                            "actions", "actions_on_trigger",
                                            "actions_on_resolve", "owner_resource")}  # fmt: skip
        return cls.model_validate({**fields, "id": row["id"]})

    def create(self) -> Automation:
        """Save this automation (checked first); returns it with its id."""
        store = _store()
        check_automation(self, store)
        row = store.automations.create(_spec(self))
        self.id = uuid.UUID(row["id"])
        return self

    def update(self) -> None:
        """Save changes of a created automation (its trigger starts afresh)."""
        store = _store()
        check_automation(self, store)
        store.automations.replace(self._require_id(), _spec(self))

    @classmethod
    def read(cls, id: uuid.UUID | str | None = None, name: str | None = None) -> Automation:
        """By id, or by name (the first of that name); ValueError if neither is given."""
        store = _store()
        if id is not None:
            row = store.automations.read(str(id))
            if row is None:
                raise ObjectNotFound(f"automation {id} not found")
            return cls._from_row(row)
        if name is None:
            raise ValueError("Automation.read() needs an id or a name")
        rows = store.automations.list(name=name)
        if not rows:
            raise ValueError(f"automation {name!r} not found")
        return cls._from_row(rows[0])

    def delete(self) -> bool:
        """Delete it; False if it was already gone."""
        return _store().automations.delete(self._require_id())

    def disable(self) -> bool:
        """Stop evaluating it (its trigger state is dropped); False if unknown."""
        done = _store().automations.set_enabled(self._require_id(), False)
        self.enabled = False
        return done

    def enable(self) -> bool:
        done = _store().automations.set_enabled(self._require_id(), True)
        self.enabled = True
        return done

    pause = disable
    resume = enable

    # async variants, as Prefect's
    async def acreate(self) -> Automation:
        return await asyncio.to_thread(self.create)

    async def aupdate(self) -> None:
        await asyncio.to_thread(self.update)

    @classmethod
    async def aread(cls, id: uuid.UUID | str | None = None, name: str | None = None) -> Automation:
        return await asyncio.to_thread(cls.read, id, name)

    async def adelete(self) -> bool:
        return await asyncio.to_thread(self.delete)

    async def adisable(self) -> bool:
        return await asyncio.to_thread(self.disable)

    async def aenable(self) -> bool:
        return await asyncio.to_thread(self.enable)

    def _require_id(self) -> str:
        if self.id is None:
            raise ValueError(f"automation {self.name!r} has not been created yet: call create()")
        return str(self.id)


def __getattr__(name: str) -> object:
    from headrace.events import _REFUSED

    if name in _REFUSED:
        raise NotImplementedError(
            f"headrace.automations.{name} is not provided: {_REFUSED[name]} "
            "(see docs/compatibility.md)"
        )
    raise AttributeError(f"module 'headrace.automations' has no attribute {name!r}")
