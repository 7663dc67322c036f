"""The HTTP backend's repositories and `HttpStore`, over a `Transport` and a `Shipper`.

With `HEADRACE_API_URL=http://host:port/api`, `get_store()` returns an `HttpStore`, so the
engine, CLI, workers and blocks use the server instead of a local file. Run records are
queued and shipped in batches by a background thread (see `headrace.store.http._shipper`);
every other call is one request on a keep-alive connection.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from headrace.states import TYPE_VALUES
from headrace.store.http._shipper import Shipper
from headrace.store.http._transport import ServerUnavailable, Transport
from headrace.store.interface import (
    ArtifactQuery,
    ArtifactRow,
    Attempt,
    AutomationRow,
    BlockDocument,
    BlockDocumentWrite,
    DeploymentRecord,
    EventQuery,
    EventRow,
    FiringRow,
    FlowRunInputRow,
    FlowRunQuery,
    FlowRunRow,
    LimitRow,
    LogQuery,
    LogRow,
    PauseRow,
    QueuedTaskRow,
    StateRow,
    TaskOutcomeRow,
    TaskRunQuery,
    TaskRunRow,
    VariableRow,
    WebhookRow,
    WorkerRow,
    WorkPoolRow,
)

if TYPE_CHECKING:
    from headrace.run_records import FlowRun, TaskRun
    from headrace.states import State


# the server shows secret parameters masked; this client holds the key and asks for the
# sealed form, to open the secrets when a run starts
_SEALED = {"include_encrypted": "true"}
_SEALED_BODY = {"include_encrypted": True}


def _state(state: State) -> tuple[str, str, str | None, float]:
    return (TYPE_VALUES[state.type], state.name, state.message, state._ts)


def _process_key() -> str:
    from headrace.store._process import RUN_OWNER

    return RUN_OWNER


class HttpRuns:
    """`RunRepository`: writes shipped in batches, reads flush them first."""

    def __init__(self, transport: Transport, shipper: Shipper) -> None:
        self._call = transport.call
        self._put = shipper.put
        self._flush = shipper.flush
        self._process = _process_key()

    def record_flow_run(self, run: FlowRun) -> None:
        state = run.state
        assert state is not None
        self._put(
            (
                "flow_run",
                run.id,
                run.name,
                run.flow_name,
                run.flow_version,
                json.loads(json.dumps(run.parameters, default=repr)),
                sorted(run.tags),
                _state(state),
                run.run_count,
                run.start_ts,
                run.end_ts,
                run.parent_flow_run_id,
                run.parent_task_run_id,
                run.deployment_id,
                self._process,
            )  # fmt: skip
        )

    def record_flow_run_state(self, run: FlowRun) -> None:
        state = run.state
        assert state is not None
        self._put(
            ("flow_run_state", run.id, _state(state), run.run_count, run.start_ts, run.end_ts)
        )

    def record_task_run(self, run: TaskRun) -> None:
        state = run.state
        assert state is not None
        self._put(
            (
                "task_run",
                run.id,
                run.flow_run_id,
                run.name,
                run.task_name,
                run.task_key,
                run.dynamic_key,
                sorted(run.tags) if run.tags else [],
                _state(state),
                run.run_count,
                run.cache_key,
                run.start_ts,
                run.end_ts,
                self._process,
            )  # fmt: skip
        )

    def record_task_run_state(self, run: TaskRun) -> None:
        state = run.state
        assert state is not None
        self._put(
            (
                "task_run_state",
                run.id,
                _state(state),
                run.run_count,
                run.cache_key,
                run.start_ts,
                run.end_ts,
            )  # fmt: skip
        )

    def record_state(self, run_id: str, state: State) -> None:
        self._put(("state", run_id, _state(state)))

    def record_log(
        self,
        flow_run_id: str | None,
        task_run_id: str | None,
        level: int,
        logger: str,
        message: str,
        timestamp: float,
    ) -> None:
        self._put(("log", flow_run_id, task_run_id, level, logger, message, timestamp))

    # reads: this process's queued records first, so it reads its own writes
    def read_flow_runs(self, query: FlowRunQuery) -> list[FlowRunRow]:
        self._flush()
        return self._call("POST", "/flow_runs/filter", {**asdict(query), **_SEALED_BODY})

    def count_flow_runs(self, query: FlowRunQuery) -> int:
        self._flush()
        return self._call("POST", "/flow_runs/count", asdict(query))

    def read_flow_run(self, run_id: str) -> FlowRunRow | None:
        self._flush()
        return self._call("GET", f"/flow_runs/{run_id}", params=_SEALED, missing_ok=True)

    def read_task_runs(self, query: TaskRunQuery) -> list[TaskRunRow]:
        self._flush()
        return self._call("POST", "/task_runs/filter", asdict(query))

    def count_task_runs(self, query: TaskRunQuery) -> int:
        self._flush()
        return self._call("POST", "/task_runs/count", asdict(query))

    def read_task_run(self, run_id: str) -> TaskRunRow | None:
        self._flush()
        return self._call("GET", f"/task_runs/{run_id}", missing_ok=True)

    def read_states(self, run_id: str) -> list[StateRow]:
        self._flush()
        return self._call("GET", f"/flow_runs/{run_id}/states")

    def read_logs(self, query: LogQuery) -> list[LogRow]:
        self._flush()
        return self._call("POST", "/logs/filter", asdict(query))

    def set_flow_run_state(
        self,
        run_id: str,
        state_type: str,
        state_name: str,
        message: str | None,
        force: bool = False,
    ) -> bool:
        self._flush()
        body = {"type": state_type, "name": state_name, "message": message, "force": force}
        return self._call("POST", f"/flow_runs/{run_id}/set_state", body)["changed"]

    def set_task_run_state(
        self,
        run_id: str,
        state_type: str,
        state_name: str,
        message: str | None,
        force: bool = False,
    ) -> bool:
        self._flush()
        body = {"type": state_type, "name": state_name, "message": message, "force": force}
        return self._call("POST", f"/task_runs/{run_id}/set_state", body)["changed"]

    def unfinished_runs(self) -> list[tuple[str, str, str | None]]:
        self._flush()
        return [tuple(run) for run in self._call("GET", "/runs/unfinished")]  # type: ignore[misc]

    def mark_crashed(self, runs: list[tuple[str, str]], message: str) -> int:
        self._flush()
        return self._call("POST", "/runs/mark_crashed", {"runs": runs, "message": message})

    def delete_flow_run(self, run_id: str) -> bool:
        self._flush()
        return self._call("DELETE", f"/flow_runs/{run_id}")["deleted"]

    def read_flows(self, limit: int | None = None) -> list[dict[str, Any]]:
        self._flush()
        return self._call("GET", "/flows", params={} if limit is None else {"limit": limit})


def _document(data: dict[str, Any]) -> BlockDocument:
    return BlockDocument(
        id=data["id"],
        block_type_slug=data["block_type_slug"],
        name=data["name"],
        is_anonymous=data["is_anonymous"],
        data=base64.b64decode(data["data"]),
        schema_version=data["schema_version"],
        schema_checksum=data["schema_checksum"],
        created=data["created"],
        updated=data["updated"],
    )


class HttpBlocks:
    """`BlockRepository`: documents travel encrypted; the key stays with the client."""

    def __init__(self, transport: Transport) -> None:
        self._call = transport.call

    def find(self, slug: str, name: str) -> BlockDocument | None:
        data = self._call(
            "GET",
            f"/block_types/slug/{slug}/block_documents/name/{name}",
            params={"include_encrypted": "true"},
            missing_ok=True,
        )
        return None if data is None else _document(data)

    def get_by_id(self, document_id: str) -> BlockDocument | None:
        data = self._call(
            "GET",
            f"/block_documents/{document_id}",
            params={"include_encrypted": "true"},
            missing_ok=True,
        )
        return None if data is None else _document(data)

    def list(self, slug: str | None = None, include_anonymous: bool = False) -> list[BlockDocument]:
        body = {
            "block_type_slug": slug,
            "include_anonymous": include_anonymous,
            "include_encrypted": True,
        }
        return [_document(data) for data in self._call("POST", "/block_documents/filter", body)]

    def save(self, documents: list[BlockDocumentWrite], overwrite: bool) -> None:
        body = {
            "documents": [
                {
                    **{k: v for k, v in asdict(write.document).items() if k != "data"},
                    "data": base64.b64encode(write.document.data).decode("ascii"),
                    "references": write.references,
                }
                for write in documents
            ],
            "overwrite": overwrite,
        }
        self._call("PUT", "/block_documents", body)

    def delete(self, slug: str, name: str) -> None:
        self._call("DELETE", f"/block_types/slug/{slug}/block_documents/name/{name}")

    def key_check_token(self) -> str | None:
        return self._call("GET", "/block_documents/key_check")

    def set_key_check_token(self, token: str) -> str:
        return self._call("PUT", "/block_documents/key_check", {"token": token})


class HttpVariables:
    def __init__(self, transport: Transport) -> None:
        self._call = transport.call

    def get(self, name: str) -> VariableRow | None:
        return self._call("GET", f"/variables/name/{name}", missing_ok=True)

    def set(self, name: str, value: Any, tags: list[str], overwrite: bool) -> VariableRow:
        body = {"value": value, "tags": list(tags), "overwrite": overwrite}
        return self._call("PUT", f"/variables/name/{name}", body)

    def delete(self, name: str) -> bool:
        return self._call("DELETE", f"/variables/name/{name}")["deleted"]

    def list(self, limit: int | None = None, offset: int = 0) -> list[VariableRow]:
        return self._call("POST", "/variables/filter", {"limit": limit, "offset": offset})


def _limit(data: dict[str, Any]) -> LimitRow:
    return LimitRow(**{**data, "holders": tuple(data["holders"])})


class HttpConcurrency:
    def __init__(self, transport: Transport) -> None:
        self._call = transport.call

    def create(
        self, name: str, limit: int, slot_decay_per_second: float, active: bool, overwrite: bool
    ) -> LimitRow:
        body = {
            "name": name,
            "limit": limit,
            "slot_decay_per_second": slot_decay_per_second,
            "active": active,
            "overwrite": overwrite,
        }
        return _limit(self._call("POST", "/concurrency_limits", body))

    def update(
        self,
        name: str,
        limit: int | None = None,
        slot_decay_per_second: float | None = None,
        active: bool | None = None,
    ) -> LimitRow:
        body = {"limit": limit, "slot_decay_per_second": slot_decay_per_second, "active": active}
        return _limit(self._call("PATCH", f"/concurrency_limits/name/{name}", body))

    def delete(self, name: str) -> None:
        self._call("DELETE", f"/concurrency_limits/name/{name}")

    def reset(self, name: str) -> None:
        self._call("POST", f"/concurrency_limits/name/{name}/reset")

    def list(self, name: str | None = None) -> list[LimitRow]:
        return [_limit(d) for d in self._call("POST", "/concurrency_limits/filter", {"name": name})]

    def active_limits(self) -> dict[str, int]:
        return self._call("GET", "/concurrency_limits/active")

    def try_acquire(
        self,
        names: list[str],
        slots: int,
        lease_id: str | None,
        holder: str,
        lease_seconds: float,
        strict: bool = False,
    ) -> Attempt:
        body = {
            "names": list(names),
            "slots": slots,
            "lease_id": lease_id,
            "holder": holder,
            "lease_seconds": lease_seconds,
            "strict": strict,
        }
        data = self._call("POST", "/concurrency_limits/acquire", body)
        return Attempt(data["acquired"], tuple(data["missing"]), data["retry_after"])

    def release(self, lease_id: str) -> None:
        self._call("POST", "/concurrency_limits/release", {"lease_id": lease_id})

    def renew(self, lease_ids: list[str], lease_seconds: float) -> list[str]:
        body = {"lease_ids": list(lease_ids), "lease_seconds": lease_seconds}
        return self._call("POST", "/concurrency_limits/renew", body)


def _deployment(data: dict[str, Any]) -> DeploymentRecord:
    data = dict(data)
    data.pop("full_name", None)
    return DeploymentRecord(**data)


class HttpDeployments:
    def __init__(self, transport: Transport, flush: Any) -> None:
        self._call = transport.call
        self._flush = flush

    # work pools
    def create_work_pool(self, name: str, type: str, overwrite: bool) -> WorkPoolRow:
        return self._call(
            "POST", "/work_pools", {"name": name, "type": type, "overwrite": overwrite}
        )

    def read_work_pool(self, name: str) -> WorkPoolRow | None:
        return self._call("GET", f"/work_pools/{name}", missing_ok=True)

    def list_work_pools(self) -> list[WorkPoolRow]:
        return self._call("POST", "/work_pools/filter")

    def delete_work_pool(self, name: str) -> bool:
        return self._call("DELETE", f"/work_pools/{name}")["deleted"]

    # deployments
    def save(self, record: DeploymentRecord) -> DeploymentRecord:
        data = self._call("PUT", "/deployments", asdict(record), params=_SEALED)
        return _deployment(data)

    def read(self, deployment_id: str) -> DeploymentRecord | None:
        data = self._call("GET", f"/deployments/{deployment_id}", params=_SEALED, missing_ok=True)
        return None if data is None else _deployment(data)

    def read_by_name(self, flow_name: str, name: str) -> DeploymentRecord | None:
        data = self._call(
            "GET", f"/deployments/name/{flow_name}/{name}", params=_SEALED, missing_ok=True
        )
        return None if data is None else _deployment(data)

    def list(
        self, work_pool_name: str | None = None, flow_names: list[str] | None = None
    ) -> list[DeploymentRecord]:
        body = {
            "work_pool_name": work_pool_name,
            "flow_names": flow_names,
            **_SEALED_BODY,
        }
        return [_deployment(d) for d in self._call("POST", "/deployments/filter", body)]

    def delete(self, deployment_id: str) -> bool:
        return self._call("DELETE", f"/deployments/{deployment_id}")["deleted"]

    def set_paused(self, deployment_id: str, paused: bool) -> bool:
        action = "pause" if paused else "resume"
        result = self._call("POST", f"/deployments/{deployment_id}/{action}", missing_ok=True)
        return bool(result and result["changed"])

    # flow runs of deployments
    def create_flow_run(
        self,
        deployment: DeploymentRecord,
        parameters: dict[str, Any],
        scheduled_time: float,
        state: tuple[str, str, str | None] = ("SCHEDULED", "Scheduled", None),
        name: str | None = None,
        tags: list[str] | None = None,
    ) -> str:
        body = {
            "parameters": json.loads(json.dumps(parameters, default=repr)),
            "scheduled_time": scheduled_time,
            "state": {"type": state[0], "name": state[1], "message": state[2]},
            "name": name,
            "tags": tags,
            "check_parameter_names": False,
        }
        return self._call("POST", f"/deployments/{deployment.id}/create_flow_run", body)["id"]

    def create_scheduled_runs(
        self, deployment: DeploymentRecord, slots: list[tuple[float, dict[str, Any]]]
    ) -> list[str]:
        body = {"slots": [[when, params] for when, params in slots]}
        return self._call("POST", f"/deployments/{deployment.id}/scheduled_runs", body)

    def drop_unstarted_runs(self, deployment_id: str, requested_too: bool = False) -> int:
        body = {"requested_too": requested_too}
        return self._call("POST", f"/deployments/{deployment_id}/drop_unstarted_runs", body)

    def deployment_runs(self, deployment_id: str) -> list[FlowRunRow]:
        self._flush()
        return self._call("GET", f"/deployments/{deployment_id}/flow_runs", params=_SEALED)

    def next_scheduled_time(self, deployment_ids: list[str]) -> float | None:
        body = {"deployment_ids": list(deployment_ids)}
        return self._call("POST", "/deployments/next_scheduled_time", body)

    def skip_missed_runs(self, deployment_ids: list[str], now: float) -> int:
        body = {"deployment_ids": list(deployment_ids), "now": now}
        return self._call("POST", "/deployments/skip_missed_runs", body)

    def claim_due_runs(
        self, deployment_ids: list[str], claimer: str, now: float, limit: int | None, process: str
    ) -> list[FlowRunRow]:
        body = {
            "deployment_ids": list(deployment_ids),
            "claimer": claimer,
            "now": now,
            "limit": limit,
            "process": process,
        }
        return self._call("POST", "/deployments/claim_due_runs", body)

    # workers
    def register_worker(self, worker_id: str, name: str, work_pool_name: str, pid: int) -> None:
        body = {"id": worker_id, "name": name, "pid": pid}
        self._call("POST", f"/work_pools/{work_pool_name}/workers", body)

    def heartbeat_worker(self, worker_id: str) -> None:
        self._call("POST", f"/workers/{worker_id}/heartbeat")

    def stop_worker(self, worker_id: str) -> None:
        self._call("POST", f"/workers/{worker_id}/stop")

    def list_workers(self, work_pool_name: str | None = None) -> list[WorkerRow]:
        return self._call("POST", "/workers/filter", {"work_pool_name": work_pool_name})

    def silent_workers(self, silent_since: float) -> list[WorkerRow]:
        return self._call("POST", "/workers/silent", {"silent_since": silent_since})

    def worker_unfinished_runs(self, worker_id: str) -> list[str]:
        return self._call("GET", f"/workers/{worker_id}/unfinished_runs")


class HttpEvents:
    """`EventRepository`: events shipped in batches with the run records."""

    def __init__(self, transport: Transport, shipper: Shipper) -> None:
        self._call = transport.call
        self._put = shipper.put
        self._flush = shipper.flush

    def record_event(
        self,
        event_id: str,
        occurred: float,
        name: str,
        resource_id: str,
        body: str,
        related_ids: str,
    ) -> None:
        self._put(("event", event_id, occurred, name, resource_id, body, related_ids))

    def write_events(self, events: list[EventRow]) -> int:
        return self._call("POST", "/events", list(events))["accepted"]

    def read_events(self, query: EventQuery) -> list[EventRow]:
        self._flush()
        return self._call("POST", "/events/filter", asdict(query))

    def count_events(self, query: EventQuery) -> int:
        self._flush()
        return self._call("POST", "/events/count", asdict(query))

    def save_webhook(self, webhook: WebhookRow, overwrite: bool) -> WebhookRow:
        body = {**webhook, "overwrite": overwrite}
        return self._call("PUT", f"/webhooks/{webhook['slug']}", body)

    def read_webhook(self, slug: str) -> WebhookRow | None:
        return self._call("GET", f"/webhooks/{slug}", missing_ok=True)

    def list_webhooks(self) -> list[WebhookRow]:
        return self._call("GET", "/webhooks")

    def delete_webhook(self, slug: str) -> bool:
        return self._call("DELETE", f"/webhooks/{slug}")["deleted"]


class HttpAutomations:
    """`AutomationRepository` over the server (which evaluates the automations)."""

    def __init__(self, transport: Transport) -> None:
        self._call = transport.call

    def create(self, spec: dict[str, Any]) -> AutomationRow:
        return self._call("POST", "/automations", spec)

    def read(self, automation_id: str) -> AutomationRow | None:
        return self._call("GET", f"/automations/{automation_id}", missing_ok=True)

    def list(
        self, name: str | None = None, owner_resource: str | None = None
    ) -> list[AutomationRow]:
        body = {"name": name, "owner_resource": owner_resource}
        return self._call("POST", "/automations/filter", body)

    def replace(self, automation_id: str, spec: dict[str, Any]) -> AutomationRow:
        return self._call("PUT", f"/automations/{automation_id}", spec)

    def set_enabled(self, automation_id: str, enabled: bool) -> bool:
        action = "resume" if enabled else "pause"
        result = self._call("POST", f"/automations/{automation_id}/{action}", missing_ok=True)
        return bool(result and result["changed"])

    def delete(self, automation_id: str) -> bool:
        return self._call("DELETE", f"/automations/{automation_id}")["deleted"]

    def delete_owned(self, owner_resource: str) -> int:
        body = {"owner_resource": owner_resource}
        return self._call("POST", "/automations/delete_owned", body)["deleted"]

    def firings(self, automation_id: str, limit: int = 50) -> list[FiringRow]:
        return self._call("GET", f"/automations/{automation_id}/firings", params={"limit": limit})

    def set_work_pool_paused(self, name: str, paused: bool) -> bool:
        method = "POST" if paused else "DELETE"
        return self._call(method, f"/paused_work_pools/{name}")["changed"]

    def paused_work_pools(self) -> list[str]:
        return self._call("GET", "/paused_work_pools")


# -- flow run inputs and pauses, background task runs (headrace.flow_runs, .background) ----
def _b64(blob: bytes) -> str:
    return base64.b64encode(blob).decode("ascii")


class HttpFlowRunInputs:
    """`FlowRunInputRepository`; pausing and resuming ship this process's records first."""

    def __init__(self, transport: Transport, flush: Any) -> None:
        self._call = transport.call
        self._flush = flush

    def create_input(self, flow_run_id: str, key: str, value: str, sender: str | None) -> None:
        body = {"key": key, "value": value, "sender": sender}
        self._call("POST", f"/flow_runs/{flow_run_id}/input", body)

    def read_input(self, flow_run_id: str, key: str) -> FlowRunInputRow | None:
        return self._call(
            "POST", f"/flow_runs/{flow_run_id}/input/read", {"key": key}, missing_ok=True
        )

    def filter_inputs(
        self, flow_run_id: str, key_prefix: str, limit: int, exclude_keys: list[str]
    ) -> list[FlowRunInputRow]:
        body = {"key_prefix": key_prefix, "limit": limit, "exclude_keys": list(exclude_keys)}
        return self._call("POST", f"/flow_runs/{flow_run_id}/input/filter", body)

    def delete_input(self, flow_run_id: str, key: str) -> bool:
        return self._call("POST", f"/flow_runs/{flow_run_id}/input/delete", {"key": key})["deleted"]

    def pause(
        self,
        flow_run_id: str,
        pause_key: str,
        reschedule: bool,
        timeout_seconds: float | None,
        keyset: dict[str, str] | None,
        set_state: bool = True,
    ) -> str:
        self._flush()
        body = {
            "pause_key": pause_key,
            "reschedule": reschedule,
            "timeout_seconds": timeout_seconds,
            "keyset": keyset,
            "set_state": set_state,
        }
        return self._call("POST", f"/flow_runs/{flow_run_id}/pause", body)["status"]

    def read_pause(self, flow_run_id: str, pause_key: str) -> PauseRow | None:
        body = {"pause_key": pause_key}
        return self._call("POST", f"/flow_runs/{flow_run_id}/pause/read", body, missing_ok=True)

    def expire_pause(self, flow_run_id: str, pause_key: str) -> bool:
        body = {"pause_key": pause_key}
        return self._call("POST", f"/flow_runs/{flow_run_id}/pause/expire", body)["expired"]

    def resume(self, flow_run_id: str, run_input: dict[str, Any] | None) -> PauseRow:
        self._flush()
        body = {"run_input": run_input}
        return self._call("POST", f"/flow_runs/{flow_run_id}/resume", body)


class HttpTaskQueue:
    """`TaskQueueRepository`: pickled calls and outcomes travel as base64."""

    def __init__(self, transport: Transport) -> None:
        self._call = transport.call

    def enqueue(
        self,
        task_run_id: str,
        task_key: str,
        task_name: str,
        run_name: str,
        tags: list[str],
        payload: bytes,
        max_attempts: int,
    ) -> None:
        body = {
            "task_run_id": task_run_id,
            "task_key": task_key,
            "task_name": task_name,
            "run_name": run_name,
            "tags": list(tags),
            "payload": _b64(payload),
            "max_attempts": max_attempts,
        }
        self._call("POST", "/task_queue", body)

    def claim(
        self, task_keys: list[str], worker: str, process: str, lease_seconds: float, limit: int
    ) -> list[QueuedTaskRow]:
        body = {
            "task_keys": list(task_keys),
            "worker": worker,
            "process": process,
            "lease_seconds": lease_seconds,
            "limit": limit,
        }
        rows = self._call("POST", "/task_queue/claim", body)
        return [{**row, "payload": base64.b64decode(row["payload"])} for row in rows]

    def renew(self, task_run_ids: list[str], worker: str, lease_seconds: float) -> list[str]:
        body = {
            "task_run_ids": list(task_run_ids),
            "worker": worker,
            "lease_seconds": lease_seconds,
        }
        return self._call("POST", "/task_queue/renew", body)

    def complete(
        self,
        task_run_id: str,
        worker: str,
        status: str,
        state_name: str,
        message: str | None,
        outcome: bytes,
    ) -> bool:
        body = {
            "worker": worker,
            "status": status,
            "state_name": state_name,
            "message": message,
            "outcome": _b64(outcome),
        }
        return self._call("POST", f"/task_queue/{task_run_id}/complete", body)["stored"]

    def reap(self) -> int:
        return self._call("POST", "/task_queue/reap")["changed"]

    def read_call(self, task_run_id: str) -> bytes | None:
        row = self._call("GET", f"/task_queue/{task_run_id}/call", missing_ok=True)
        return None if row is None else base64.b64decode(row["payload"])

    def read_outcome(self, task_run_id: str) -> TaskOutcomeRow | None:
        row = self._call("GET", f"/task_queue/{task_run_id}", missing_ok=True)
        if row is not None and row["outcome"] is not None:
            row["outcome"] = base64.b64decode(row["outcome"])
        return row


class HttpArtifacts:
    """`ArtifactRepository`: one request per call (artifacts are few and read at once)."""

    def __init__(self, transport: Transport) -> None:
        self._call = transport.call

    def create(
        self,
        key: str | None,
        type: str | None,
        description: str | None,
        data: Any,
        metadata: dict[str, str] | None,
        flow_run_id: str | None,
        task_run_id: str | None,
    ) -> ArtifactRow:
        body = {
            "key": key,
            "type": type,
            "description": description,
            "data": data,
            "metadata": metadata,
            "flow_run_id": flow_run_id,
            "task_run_id": task_run_id,
        }
        return self._call("POST", "/artifacts", body)

    def read(self, artifact_id: str) -> ArtifactRow | None:
        return self._call("GET", f"/artifacts/{artifact_id}", missing_ok=True)

    def update(
        self,
        artifact_id: str,
        data: Any,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> ArtifactRow:
        body = {"data": data, "description": description, "metadata": metadata}
        return self._call("PATCH", f"/artifacts/{artifact_id}", body)

    def delete(self, artifact_id: str) -> bool:
        return self._call("DELETE", f"/artifacts/{artifact_id}")["deleted"]

    def list(self, query: ArtifactQuery) -> list[ArtifactRow]:
        return self._call("POST", "/artifacts/filter", asdict(query))

    def count(self, query: ArtifactQuery) -> int:
        return self._call("POST", "/artifacts/count", asdict(query))["count"]


class HttpStore:
    """A `Store` whose repositories call the server at `api_url`.

    Opening it checks that the server answers, so a flow started against a server that
    is not there fails at once with a message naming the URL.
    """

    def __init__(self, api_url: str) -> None:
        self._transport = Transport(api_url)
        self.location = self._transport.location
        try:
            self._transport.call("GET", "/health")
        except ServerUnavailable:
            self._transport.close()
            raise
        self._shipper = Shipper(self._transport)
        self.runs = HttpRuns(self._transport, self._shipper)
        self.blocks = HttpBlocks(self._transport)
        self.variables = HttpVariables(self._transport)
        self.concurrency = HttpConcurrency(self._transport)
        self.deployments = HttpDeployments(self._transport, self._shipper.flush)
        self.events = HttpEvents(self._transport, self._shipper)
        self.automations = HttpAutomations(self._transport)
        self.artifacts = HttpArtifacts(self._transport)
        self.flow_run_inputs = HttpFlowRunInputs(self._transport, self._shipper.flush)
        self.task_queue = HttpTaskQueue(self._transport)

    def __repr__(self) -> str:
        return f"HttpStore({self.location!r})"

    def flush(self, timeout: float | None = 30.0) -> bool:
        return self._shipper.flush(timeout)

    def close(self) -> None:
        self._shipper.close()
        self._transport.close()
