"""The REST API against a real server process: each route does what the store does."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest


def _state(kind: str, name: str, ts: float) -> list:
    return [kind, name, None, ts]


def _ingest(api: str, records: list[list]) -> dict:
    reply = httpx.post(f"{api}/ingest", json={"batch": uuid.uuid4().hex, "records": records})
    assert reply.status_code == 200, reply.text
    return reply.json()


def _flow_run(run_id: str, flow: str, state: str, ts: float, tags: list[str]) -> list:
    return [
        "flow_run", run_id, f"run-{run_id[:6]}", flow, None, {"n": 1}, tags,
        _state(state, state.title(), ts), 1, ts, None, None, None, None, "1:1",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def runs(server):
    """Twelve flow runs of two flows, with task runs, states and logs."""
    base = time.time() - 1000
    records, ids = [], []
    for i in range(12):
        run_id = str(uuid.uuid4())
        ids.append(run_id)
        flow = "etl" if i % 2 else "report"
        state = "FAILED" if i % 3 == 0 else "COMPLETED"
        records.append(_flow_run(run_id, flow, state, base + i, ["nightly"] if i < 4 else []))
        task_id = str(uuid.uuid4())
        records += [
            [
                "task_run",
                task_id,
                run_id,
                "extract-0",
                "extract",
                "k",
                None,
                [],
                _state("RUNNING", "Running", base + i),
                1,
                None,
                base + i,
                None,
                "1:1",
            ],  # fmt: skip
            [
                "task_run_state",
                task_id,
                _state("COMPLETED", "Completed", base + i + 0.5),
                1,
                None,
                base + i,
                base + i + 0.5,
            ],  # fmt: skip
            ["log", run_id, None, 20, "headrace.flow_runs", f"hello {i}", base + i],
            ["log", run_id, task_id, 40, "headrace.task_runs", f"boom {i}", base + i + 0.1],
        ]
    assert _ingest(server.api, records) == {"accepted": len(records), "duplicate": False}
    return ids


def _post(api: str, path: str, body: dict | None = None) -> httpx.Response:
    return httpx.post(f"{api}{path}", json=body if body is not None else {})


def test_flow_runs_filter_paging_and_count(server, runs):
    api = server.api
    page1 = _post(api, "/flow_runs/filter", {"limit": 5, "offset": 0}).json()
    page2 = _post(api, "/flow_runs/filter", {"limit": 5, "offset": 5}).json()
    assert [r["id"] for r in page1] == list(reversed(runs))[:5]
    assert [r["id"] for r in page2] == list(reversed(runs))[5:10]
    failed = _post(api, "/flow_runs/filter", {"state_types": ["FAILED"], "flow_names": ["report"]})
    assert {r["id"] for r in failed.json()} == {runs[0], runs[6]}
    assert _post(api, "/flow_runs/count", {"tags_all": ["nightly"]}).json() == 4
    assert _post(api, "/flow_runs/count").json() == 12


def test_read_one_run_its_states_tasks_and_logs(server, runs):
    api = server.api
    run = httpx.get(f"{api}/flow_runs/{runs[3][:13]}").json()
    assert run["id"] == runs[3] and run["parameters"] == {"n": 1}
    tasks = _post(api, "/task_runs/filter", {"flow_run_ids": [runs[3]]}).json()
    assert [t["state_type"] for t in tasks] == ["COMPLETED"]
    states = httpx.get(f"{api}/task_runs/{tasks[0]['id']}/states").json()
    assert [s["name"] for s in states] == ["Running", "Completed"]
    logs = _post(api, "/logs/filter", {"flow_run_ids": [runs[3]], "level_min": 40}).json()
    assert [entry["message"] for entry in logs] == ["boom 3"]
    missing = httpx.get(f"{api}/flow_runs/{uuid.uuid4()}")
    assert missing.status_code == 404 and "not found" in missing.json()["detail"]


def test_set_state_refuses_to_change_a_finished_run_unless_forced(server, runs):
    api = server.api
    body = {"type": "CANCELLED", "message": "stop"}
    assert _post(api, f"/flow_runs/{runs[1]}/set_state", body).json() == {"changed": False}
    forced = _post(api, f"/flow_runs/{runs[1]}/set_state", {**body, "force": True})
    assert forced.json() == {"changed": True}
    assert httpx.get(f"{api}/flow_runs/{runs[1]}").json()["state_type"] == "CANCELLED"


def test_ingest_takes_what_python_json_writes_nan_and_big_integers(server):
    run_id = str(uuid.uuid4())
    record = _flow_run(run_id, "odd", "COMPLETED", time.time(), [])
    record[5] = {"ratio": float("nan"), "big": 2**70}
    body = json.dumps({"batch": uuid.uuid4().hex, "records": [record]})  # writes NaN
    reply = httpx.post(
        f"{server.api}/ingest", content=body, headers={"Content-Type": "application/json"}
    )
    assert reply.status_code == 200, reply.text
    assert httpx.post(f"{server.api}/flow_runs/count", json={"ids": [run_id]}).json() == 1
    bad = httpx.post(
        f"{server.api}/ingest",
        content=b'{"records": [',
        headers={"Content-Type": "application/json"},
    )
    assert bad.status_code == 422 and "not JSON" in bad.text


def test_a_resent_batch_is_recorded_once(server):
    run_id = str(uuid.uuid4())
    body = {"batch": "resent-1", "records": [_flow_run(run_id, "dup", "RUNNING", time.time(), [])]}
    first = httpx.post(f"{server.api}/ingest", json=body).json()
    second = httpx.post(f"{server.api}/ingest", json=body).json()
    assert first["duplicate"] is False and second == {"accepted": 0, "duplicate": True}
    states = httpx.get(f"{server.api}/flow_runs/{run_id}/states").json()
    assert len(states) == 1


def test_deployments_runs_with_parameters_pause_and_schedules(server):
    api = server.api
    pool = f"pool-{uuid.uuid4().hex[:6]}"
    assert _post(api, "/work_pools", {"name": pool}).status_code == 201
    deployment = httpx.put(
        f"{api}/deployments",
        json={
            "name": "nightly",
            "flow_name": f"flow-{pool}",
            "work_pool_name": pool,
            "parameters": {"x": 1, "y": "a"},
            "parameter_names": ["x", "y"],
        },
    ).json()
    run = _post(api, f"/deployments/{deployment['id']}/create_flow_run", {"parameters": {"x": 5}})
    assert run.status_code == 201
    assert run.json()["parameters"] == {"x": 5, "y": "a"}
    assert run.json()["state_type"] == "SCHEDULED"
    bad = _post(api, f"/deployments/{deployment['id']}/create_flow_run", {"parameters": {"z": 1}})
    assert bad.status_code == 422 and "has no parameter(s) z" in bad.json()["detail"]
    assert _post(api, f"/deployments/{deployment['id']}/pause").json() == {"changed": True}
    assert httpx.get(f"{api}/deployments/{deployment['id']}").json()["paused"] is True
    _post(api, f"/deployments/{deployment['id']}/resume")
    bad_schedule = httpx.put(
        f"{api}/deployments/{deployment['id']}/schedules",
        json={"schedules": [{"type": "cron", "cron": "nope"}]},
    )
    assert bad_schedule.status_code == 422
    interval = {"type": "interval", "interval": 3600}
    changed = httpx.put(
        f"{api}/deployments/{deployment['id']}/schedules", json={"schedules": [interval]}
    )
    assert changed.status_code == 200, changed.text
    assert len(changed.json()["schedules"]) == 1


def test_two_workers_never_claim_the_same_run(server):
    api = server.api
    pool = f"pool-{uuid.uuid4().hex[:6]}"
    _post(api, "/work_pools", {"name": pool})
    deployment = httpx.put(
        f"{api}/deployments", json={"name": "d", "flow_name": f"f-{pool}", "work_pool_name": pool}
    ).json()
    for _ in range(3):
        _post(api, f"/deployments/{deployment['id']}/create_flow_run", {"scheduled_time": 0})
    for worker in ("w1", "w2"):
        reply = _post(api, f"/work_pools/{pool}/workers", {"id": worker, "name": worker, "pid": 1})
        assert reply.status_code == 201
        assert _post(api, f"/workers/{worker}/heartbeat").status_code == 200
    claims = {
        worker: _post(
            api, f"/work_pools/{pool}/get_scheduled_flow_runs", {"worker_id": worker, "limit": 2}
        ).json()
        for worker in ("w1", "w2")
    }
    ids1 = {run["id"] for run in claims["w1"]}
    ids2 = {run["id"] for run in claims["w2"]}
    assert len(ids1) == 2 and len(ids2) == 1 and not ids1 & ids2
    assert all(run["state_type"] == "PENDING" for run in claims["w1"] + claims["w2"])
    workers = _post(api, "/workers/filter", {"work_pool_name": pool}).json()
    assert {w["name"] for w in workers} == {"w1", "w2"}


def test_variables(server):
    api = server.api
    created = httpx.put(f"{api}/variables/name/answer", json={"value": {"n": 42}, "tags": ["t"]})
    assert created.json()["value"] == {"n": 42}
    again = httpx.put(f"{api}/variables/name/answer", json={"value": 1})
    assert again.status_code == 409
    assert httpx.get(f"{api}/variables/name/answer").json()["value"] == {"n": 42}
    assert httpx.put(f"{api}/variables/name/Bad Name", json={"value": 1}).status_code == 422
    assert httpx.delete(f"{api}/variables/name/answer").json() == {"deleted": True}
    assert httpx.get(f"{api}/variables/name/answer").status_code == 404


def test_concurrency_limits_acquire_and_release_leases(server):
    api = server.api
    name = f"db-{uuid.uuid4().hex[:6]}"
    assert _post(api, "/concurrency_limits", {"name": name, "limit": 2}).status_code == 201
    take = {"names": [name], "slots": 1, "holder": "t", "lease_seconds": 30}
    assert _post(api, "/concurrency_limits/acquire", {**take, "lease_id": "a"}).json()["acquired"]
    assert _post(api, "/concurrency_limits/acquire", {**take, "lease_id": "b"}).json()["acquired"]
    full = _post(api, "/concurrency_limits/acquire", {**take, "lease_id": "c"}).json()
    assert full["acquired"] is False
    assert httpx.get(f"{api}/concurrency_limits/name/{name}").json()["active_slots"] == 2
    _post(api, "/concurrency_limits/release", {"lease_id": "a"})
    assert _post(api, "/concurrency_limits/acquire", {**take, "lease_id": "c"}).json()["acquired"]
    too_many = _post(api, "/concurrency_limits/acquire", {**take, "slots": 3, "lease_id": "d"})
    assert too_many.status_code == 422
    assert too_many.json()["error"] == "ConcurrencySlotAcquisitionError"


def test_filter_bodies_accept_every_field_of_the_store_queries():
    """The HTTP backend sends the interface's query dataclasses as they are (flow runs
    also with `include_encrypted`, to get secret parameters sealed)."""
    import dataclasses

    from headrace.server.routes.flow_runs import FlowRunFilter
    from headrace.server.routes.logs import LogFilter
    from headrace.server.routes.task_runs import TaskRunFilter
    from headrace.store.interface import FlowRunQuery, LogQuery, TaskRunQuery

    for model, query in (
        (FlowRunFilter, FlowRunQuery),
        (TaskRunFilter, TaskRunQuery),
        (LogFilter, LogQuery),
    ):
        fields = set(model.model_fields) - {"include_encrypted"}
        assert fields == {f.name for f in dataclasses.fields(query)}
        sent = dataclasses.asdict(query())
        assert model.model_validate(sent).model_dump(exclude={"include_encrypted"}) == sent


def test_a_batch_resent_after_the_server_forgot_its_id_keeps_one_task_run(server):
    """A batch committed just before a crash comes back under a new id after the restart."""
    now = time.time()
    run_id, task_id = str(uuid.uuid4()), str(uuid.uuid4())
    records = [
        _flow_run(run_id, "resend", "RUNNING", now, []),
        [
            "task_run",
            task_id,
            run_id,
            "t-0",
            "t",
            "k",
            None,
            [],
            _state("COMPLETED", "Completed", now),
            1,
            None,
            now,
            now,
            "1:1",
        ],  # fmt: skip
    ]
    _ingest(server.api, records)
    assert _ingest(server.api, records)["duplicate"] is False
    tasks = _post(server.api, "/task_runs/filter", {"flow_run_ids": [run_id]}).json()
    assert [t["id"] for t in tasks] == [task_id]
