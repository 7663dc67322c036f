"""`get_client()` on both SQL backends: Prefect's filters, sorts and objects over runs
recorded by real flows, state changes, deployments, variables and block documents."""

from __future__ import annotations

import logging
import sys
import uuid
from pathlib import Path

import pytest

from headrace import flow, get_client, get_run_logger, task
from headrace.blocks.system import Secret
from headrace.client.schemas.actions import VariableCreate, VariableUpdate, WorkPoolCreate
from headrace.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterName,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
    FlowRunFilterTags,
    LogFilter,
    LogFilterFlowRunId,
    LogFilterLevel,
    LogFilterName,
    LogFilterTaskRunId,
    LogFilterTextSearch,
    LogFilterTimestamp,
    TaskRunFilter,
    TaskRunFilterState,
    TaskRunFilterStateType,
)
from headrace.client.schemas.responses import SetStateStatus
from headrace.client.schemas.sorting import FlowRunSort, LogSort
from headrace.context import tags
from headrace.deployments import records
from headrace.exceptions import ObjectAlreadyExists, ObjectNotFound
from headrace.states import Cancelled, Completed, Running, Scheduled, StateType

ENCRYPTION_KEY = "x3G9mZt0G1u7XU5dYQv0l4lJmI8bWq1l9gM7Jr2vQ0s="


@pytest.fixture(params=["sqlite", "postgresql", "http"])
def client_backend(request, tmp_path, monkeypatch):
    """The process store: a SQLite file, a PostgreSQL schema, or a real headrace server
    (over its own SQLite file) reached through `HEADRACE_API_URL`."""
    from headrace.store import reset_store

    monkeypatch.setenv("HEADRACE_ENCRYPTION_KEY", ENCRYPTION_KEY)
    if request.param == "postgresql":
        monkeypatch.setenv("HEADRACE_DATABASE_URL", request.getfixturevalue("postgres_url"))
    elif request.param == "http":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
        from server_support import ServerProcess

        env = {"HEADRACE_ENCRYPTION_KEY": ENCRYPTION_KEY}
        server = ServerProcess(tmp_path / "server-home", env=env).start()
        request.addfinalizer(server.stop)
        monkeypatch.setenv("HEADRACE_API_URL", server.api)
    reset_store()
    request.addfinalizer(reset_store)
    return request.param


pytestmark = pytest.mark.usefixtures("client_backend")


@task
def double(x):
    if x == 3:
        raise ValueError("three is not allowed")
    get_run_logger().warning("doubling %s", x)
    return 2 * x


@flow
def numbers(limit: int):
    return [double(i) for i in range(limit)]


def _run_flows():
    numbers(2)
    with tags("nightly"):
        numbers(4, return_state=True)  # fails on 3


async def test_read_flow_and_task_runs_with_prefect_filters():
    _run_flows()
    async with get_client() as client:
        runs = await client.read_flow_runs()
        assert [run.state.type for run in runs] == [StateType.FAILED, StateType.COMPLETED]
        failed = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.FAILED])),
                tags=FlowRunFilterTags(all_=["nightly"]),
            ),
            flow_filter=FlowFilter(name=FlowFilterName(any_=["numbers"])),
        )
        (run,) = failed
        assert run.parameters == {"limit": 4} and run.tags == ["nightly"]
        assert run.flow_name == "numbers" and isinstance(run.id, uuid.UUID)
        assert run.start_time.tzinfo is not None and run.end_time >= run.start_time
        assert (await client.read_flow_run(run.id)).name == run.name
        oldest = await client.read_flow_runs(sort=FlowRunSort.START_TIME_ASC, limit=1)
        assert oldest[0].parameters == {"limit": 2}
        assert len(await client.read_flow_runs(limit=1, offset=1)) == 1
        assert (
            await client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["other"])))
            == []
        )

        tasks = await client.read_task_runs(flow_run_filter=FlowRunFilter(id={"any_": [run.id]}))
        assert [t.name for t in tasks] == ["double-0", "double-1", "double-2", "double-3"]
        assert all(t.flow_run_id == run.id for t in tasks)
        (bad,) = await client.read_task_runs(
            task_run_filter=TaskRunFilter(
                state=TaskRunFilterState(type=TaskRunFilterStateType(any_=["FAILED"]))
            )
        )
        assert bad.name == "double-3" and "three" in bad.state.message
        assert (await client.read_task_run(bad.id)).task_name == "double"
        with pytest.raises(ObjectNotFound):
            await client.read_flow_run(uuid.uuid4())


async def test_read_logs_by_level_range_logger_task_run_time_and_text():
    _run_flows()
    async with get_client() as client:
        (run,) = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=["nightly"]))
        )
        every = await client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
        warnings = await client.read_logs(
            LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[run.id]),
                level=LogFilterLevel(ge_=logging.WARNING, le_=logging.WARNING),
            )
        )
        assert [log.message for log in warnings] == ["doubling 0", "doubling 1", "doubling 2"]
        task_logs = [log for log in every if log.task_run_id is not None]
        first_task = task_logs[0].task_run_id
        mine = await client.read_logs(LogFilter(task_run_id=LogFilterTaskRunId(any_=[first_task])))
        assert mine and {log.task_run_id for log in mine} == {first_task}
        by_logger = await client.read_logs(
            LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[run.id]),
                name=LogFilterName(any_=[task_logs[0].name]),
            )
        )
        assert by_logger and {log.name for log in by_logger} == {task_logs[0].name}
        middle = every[len(every) // 2].timestamp
        later = await client.read_logs(
            LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[run.id]),
                timestamp=LogFilterTimestamp(after_=middle),
            )
        )
        assert later and all(log.timestamp >= middle for log in later)
        assert len(later) < len(every)
        found = await client.read_logs(
            LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[run.id]),
                text=LogFilterTextSearch(query='DOUBLING -"doubling 1" +2'),
            )
        )
        assert [log.message for log in found] == ["doubling 2"]


async def test_read_logs_by_run_and_level():
    _run_flows()
    async with get_client() as client:
        (run,) = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=["nightly"]))
        )
        logs = await client.read_logs(
            LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[run.id]),
                level=LogFilterLevel(ge_=logging.WARNING),
            )
        )
        messages = [log.message for log in logs]
        assert messages[:3] == ["doubling 0", "doubling 1", "doubling 2"]
        assert all(log.level >= logging.WARNING for log in logs)
        assert any("three is not allowed" in m for m in messages)
        newest = await client.read_logs(
            LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])),
            sort=LogSort.TIMESTAMP_DESC,
            limit=1,
        )
        assert newest[0].timestamp >= logs[-1].timestamp


def test_sync_client_sets_states_final_ones_only_with_force():
    numbers(1)
    with get_client(sync_client=True) as client:
        (run,) = client.read_flow_runs()
        refused = client.set_flow_run_state(run.id, Running())
        assert refused.status is SetStateStatus.REJECT and refused.state.is_completed()
        forced = client.set_flow_run_state(run.id, Cancelled(message="by hand"), force=True)
        assert forced.status is SetStateStatus.ACCEPT and forced.state.name == "Cancelled"
        assert client.read_flow_run(run.id).state.message == "by hand"
        names = [s.name for s in client.read_flow_run_states(run.id)]
        assert names[-2:] == ["Completed", "Cancelled"]
        (task_run,) = client.read_task_runs()
        client.set_task_run_state(task_run.id, Completed(message="ok"), force=True)
        assert client.read_task_run(task_run.id).state.message == "ok"


async def test_deployments_and_runs_made_from_them():
    records.create_work_pool("pool")
    record = records.save_deployment(
        records.DeploymentRecord(
            id="",
            name="daily",
            flow_name="numbers",
            path=None,
            entrypoint=None,
            work_pool_name="pool",
            parameters={"limit": 3},
            parameter_names=["limit"],
            tags=["prod"],
            schedules=[{"type": "cron", "cron": "0 6 * * *", "timezone": "UTC"}],
        )
    )
    async with get_client() as client:
        deployment = await client.read_deployment_by_name("numbers/daily")
        assert deployment.id == uuid.UUID(record.id) and deployment.work_pool_name == "pool"
        assert deployment.schedules[0].schedule["cron"] == "0 6 * * *"
        assert (await client.read_deployment(deployment.id)).name == "daily"
        found = await client.read_deployments(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(like_="dai"))
        )
        assert [d.name for d in found] == ["daily"]
        run = await client.create_flow_run_from_deployment(
            deployment.id, parameters={"limit": 5}, tags=["manual"]
        )
        assert run.state.is_scheduled() and run.deployment_id == deployment.id
        assert run.parameters == {"limit": 5} and set(run.tags) == {"prod", "manual"}
        assert run.next_scheduled_start_time is not None
        later = await client.create_flow_run_from_deployment(
            deployment.id, state=Scheduled(message="later")
        )
        assert later.parameters == {"limit": 3} and later.state.message == "later"
        with pytest.raises(ValueError, match="no parameter"):
            await client.create_flow_run_from_deployment(deployment.id, parameters={"x": 1})
        with pytest.raises(ObjectNotFound):
            await client.read_deployment_by_name("numbers/weekly")


async def test_work_pools_their_queue_and_its_runs():
    async with get_client() as client:
        pool = await client.create_work_pool(WorkPoolCreate(name="etl", type="process"))
        assert pool.name == "etl" and pool.type == "process"
        with pytest.raises(ObjectAlreadyExists):
            await client.create_work_pool(WorkPoolCreate(name="etl"))
        await client.create_work_pool(WorkPoolCreate(name="other"))
        assert [p.name for p in await client.read_work_pools()] == ["etl", "other"]
        assert (await client.read_work_pool("etl")).id == pool.id
        (queue,) = await client.read_work_queues(work_pool_name="etl")
        assert queue.name == "default" and queue.id == pool.default_queue_id
        assert (await client.read_work_queue(queue.id)).work_pool_name == "etl"
        assert (await client.read_work_queue_by_name("default", "etl")).id == queue.id
        with pytest.raises(ObjectNotFound, match="one queue"):
            await client.read_work_queue_by_name("high-priority", "etl")
        assert len(await client.read_work_queues()) == 2

        record = records.save_deployment(
            records.DeploymentRecord(
                id="",
                name="nightly",
                flow_name="numbers",
                path=None,
                entrypoint=None,
                work_pool_name="etl",
                parameters={"limit": 1},
                parameter_names=["limit"],
            )
        )
        first = await client.create_flow_run_from_deployment(uuid.UUID(record.id))
        second = await client.create_flow_run_from_deployment(uuid.UUID(record.id))
        waiting = await client.get_runs_in_work_queue(queue.id, limit=10)
        assert {run.id for run in waiting} == {first.id, second.id}
        assert (
            await client.get_runs_in_work_queue((await client.read_work_queues("other"))[0].id)
            == []
        )
        assert await client.read_workers_for_work_pool("etl") == []

        await client.delete_work_pool("other")
        with pytest.raises(ObjectNotFound):
            await client.read_work_pool("other")


async def test_variables():
    async with get_client() as client:
        created = await client.create_variable(VariableCreate(name="rows", value=[1, 2]))
        assert created.value == [1, 2]
        with pytest.raises(ObjectAlreadyExists):
            await client.create_variable(VariableCreate(name="rows", value=3))
        await client.update_variable(VariableUpdate(name="rows", value={"n": 3}))
        assert (await client.read_variable_by_name("rows")).value == {"n": 3}
        assert [v.name for v in await client.read_variables()] == ["rows"]
        await client.delete_variable_by_name("rows")
        assert await client.read_variable_by_name("rows") is None
        with pytest.raises(ObjectNotFound):
            await client.delete_variable_by_name("rows")


async def test_block_documents_mask_secrets_unless_asked():
    Secret(value="hunter2").save("db-password")
    async with get_client() as client:
        shown = await client.read_block_document_by_name(
            "db-password", "secret", include_secrets=False
        )
        assert shown.data == {"value": "**********"} and shown.block_type.slug == "secret"
        assert "hunter2" not in repr(shown)
        full = await client.read_block_document(shown.id)
        assert full.data == {"value": "hunter2"}
        assert [d.name for d in await client.read_block_documents(include_secrets=False)] == [
            "db-password"
        ]
