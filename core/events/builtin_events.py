"""The events headrace emits for its own objects, under Prefect's names.

- `prefect.flow-run.<State name>` (Pending, Running, Completed, Failed, Crashed, ...) for a
  flow run's state changes, about `prefect.flow-run.<id>`, related to its flow,
  deployment, work pool and tags; the payload says which state it came from;
- `prefect.deployment.created|updated|deleted|paused|resumed` about `prefect.deployment.<id>`;
- `prefect.work-pool.created|deleted|paused|resumed` about `prefect.work-pool.<id>`.

Set `HEADRACE_RUN_EVENTS=0` to emit none of them (a store without events, e.g. for a
benchmark of the runtime alone).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from headrace.events.utilities import flow_run_related, record_event, work_pool_id

_UTC = dt.timezone.utc
#: the last state event of each flow run still running: (state type, name, event id)
_last: dict[str, tuple[str, str, str]] = {}
_FINAL = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}


def enabled() -> bool:
    return os.environ.get("HEADRACE_RUN_EVENTS", "1").lower() not in ("0", "false", "no")


def _state_labels(state: Any) -> dict[str, str]:
    return {
        "prefect.state-message": state.message or "",
        "prefect.state-name": state.name,
        "prefect.state-timestamp": dt.datetime.fromtimestamp(state._ts, _UTC).isoformat(),
        "prefect.state-type": state.type.value,
    }


def flow_run_state_event(run: Any, work_pool_name: str | None = None) -> None:
    """Emit the event of a flow run's current state (never fails the run)."""
    state = run.state
    if state is None or not enabled():
        return
    kind = state.type.value
    previous = _last.get(run.id)
    if previous is not None and previous[0] == kind and previous[1] == state.name:
        return  # the same state recorded again (e.g. a row update), not a new transition
    resource = {
        "prefect.resource.id": f"prefect.flow-run.{run.id}",
        "prefect.resource.name": run.name or "",
        "prefect.run-count": str(run.run_count),
        **_state_labels(state),
    }
    intended_from = previous[0] if previous else None
    payload = {
        "intended": {"from": intended_from, "to": kind},
        "initial_state": (None if previous is None else {"type": previous[0], "name": previous[1]}),
        "validated_state": {"type": kind, "name": state.name, "message": state.message or ""},
    }
    related = flow_run_related(
        None, None, run.flow_name, run.deployment_id, run.tags, work_pool_name
    )
    try:
        event_id, _ = record_event(
            f"prefect.flow-run.{state.name}",
            resource,
            related,
            payload,
            state._ts,
            follows=previous[2] if previous else None,
            with_context=False,
        )
    except Exception:  # an event must never break the run it describes
        return
    if kind in _FINAL:
        _last.pop(run.id, None)
    else:
        if len(_last) > 10_000:
            _last.clear()
        _last[run.id] = (kind, state.name, event_id)


def flow_run_state_change(
    run_id: str, run_name: str, flow_name: str, deployment_id: str | None, tags: list[str],
    state_type: str, state_name: str, message: str | None,
) -> None:  # fmt: skip
    """The event of a state set from outside the run (cancel, suspend, crash marking)."""
    if not enabled():
        return
    now = dt.datetime.now(_UTC)
    record_event(
        f"prefect.flow-run.{state_name}",
        {
            "prefect.resource.id": f"prefect.flow-run.{run_id}",
            "prefect.resource.name": run_name,
            "prefect.state-message": message or "",
            "prefect.state-name": state_name,
            "prefect.state-timestamp": now.isoformat(),
            "prefect.state-type": state_type,
        },
        flow_run_related(None, None, flow_name, deployment_id, tags),
        {"validated_state": {"type": state_type, "name": state_name, "message": message or ""}},
        now.timestamp(),
        with_context=False,
    )


def deployment_event(action: str, record: Any) -> None:
    """`prefect.deployment.<action>` for a deployment record."""
    if not enabled():
        return
    related = flow_run_related(None, None, record.flow_name, None, (), record.work_pool_name)
    try:
        record_event(
            f"prefect.deployment.{action}",
            {
                "prefect.resource.id": f"prefect.deployment.{record.id}",
                "prefect.resource.name": record.name,
            },
            related,
            {},
            dt.datetime.now(_UTC).timestamp(),
        )
    except Exception:
        pass


def work_pool_event(action: str, name: str) -> None:
    """`prefect.work-pool.<action>` for the pool called `name`."""
    if not enabled():
        return
    try:
        record_event(
            f"prefect.work-pool.{action}",
            {
                "prefect.resource.id": f"prefect.work-pool.{work_pool_id(name)}",
                "prefect.resource.name": name,
                "prefect.work-pool.type": "process",
            },
            [],
            {},
            dt.datetime.now(_UTC).timestamp(),
        )
    except Exception:
        pass
