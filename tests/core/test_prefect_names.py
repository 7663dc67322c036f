"""Prefect public names that headrace provides at the same path, and the ones it refuses."""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading
import time
import warnings

import pytest

from headrace import flow, states
from headrace.states import Completed, StoredResult


class FlakyResult(StoredResult):
    """A stored result whose first reads fail, as when it is still being written."""

    __slots__ = ("failures", "reads")

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.reads = 0

    def load(self) -> str:
        self.reads += 1
        if self.reads <= self.failures:
            raise FileNotFoundError("not written yet")
        return "value"


def test_transaction_is_exported_at_the_top_level():
    import headrace
    from headrace.transactions import Transaction

    assert headrace.Transaction is Transaction


def test_get_state_result_reads_again_until_the_result_is_there(monkeypatch):
    monkeypatch.setattr(states, "RESULT_READ_RETRY_DELAY", 0.001)
    flaky = FlakyResult(failures=3)
    assert asyncio.run(states.get_state_result(Completed(data=flaky))) == "value"
    assert flaky.reads == 4


def test_get_state_result_gives_up_after_the_maximum_or_at_once(monkeypatch):
    monkeypatch.setattr(states, "RESULT_READ_RETRY_DELAY", 0.001)
    never = FlakyResult(failures=100)
    with pytest.raises(FileNotFoundError):
        asyncio.run(states.get_state_result(Completed(data=never)))
    assert never.reads == states.RESULT_READ_MAXIMUM_ATTEMPTS
    once = FlakyResult(failures=1)
    with pytest.raises(FileNotFoundError):
        asyncio.run(states.get_state_result(Completed(data=once), retry_result_failure=False))
    assert once.reads == 1


def test_get_state_result_raises_a_failed_runs_error_without_retrying():
    @flow
    def broken() -> None:
        raise ValueError("boom")

    state = broken(return_state=True)
    with pytest.raises(ValueError, match="boom"):
        asyncio.run(states.get_state_result(state))
    error = asyncio.run(states.get_state_result(state, raise_on_failure=False))
    assert isinstance(error, ValueError)


def test_block_errors_and_schema_key():
    from headrace.blocks.abstract import ObjectStorageBlock
    from headrace.blocks.core import (
        Block,
        BlockNotSavedError,
        InvalidBlockRegistration,
        block_schema_to_key,
    )
    from headrace.blocks.system import Secret

    for interface in (Block, ObjectStorageBlock):
        with pytest.raises(InvalidBlockRegistration, match="should be called on a Block subclass"):
            interface.register_type_and_schema()
    Secret.register_type_and_schema()  # a concrete type registers
    with pytest.raises(BlockNotSavedError, match="never saved"):
        Secret(value="x").delete()
    assert block_schema_to_key(Secret) == "secret"

    class SchemaLike:
        class block_type:  # noqa: N801 - the shape of Prefect's BlockSchema
            slug = "my-block"

    assert block_schema_to_key(SchemaLike()) == "my-block"
    with pytest.raises(ValueError, match="Block type is not set"):
        block_schema_to_key(object())


def test_print_as_log_logs_inside_a_log_prints_run_and_prints_elsewhere(caplog, capsys):
    from headrace.logging.loggers import print_as_log

    @flow(log_prints=True)
    def chatty() -> None:
        print_as_log("from", "inside", sep="-")

    with caplog.at_level(logging.INFO):
        chatty()
    assert "from-inside" in [r.getMessage() for r in caplog.records]
    print_as_log("outside")
    assert capsys.readouterr().out.endswith("outside\n")


def test_testing_utilities_helpers():
    from headrace.testing.utilities import (
        a_test_step,
        assert_does_not_warn,
        b_test_step,
        exceptions_equal,
        kubernetes_environments_equal,
    )

    assert exceptions_equal(ValueError("a"), ValueError("a"))
    assert not exceptions_equal(ValueError("a"), KeyError("a"))
    assert not exceptions_equal(ValueError("a"), ValueError("b"))
    with assert_does_not_warn(ignore_warnings=[DeprecationWarning]):
        warnings.warn("old", DeprecationWarning, stacklevel=1)
    with pytest.raises(AssertionError, match="Warning was raised"), assert_does_not_warn():
        warnings.warn("careful", UserWarning, stacklevel=1)
    assert a_test_step(x=1)["output3"] == "This one is actually a string"
    assert b_test_step(x=1) == {"x": 1, "output1": 1, "output2": ["b", 2, 3]}
    env = [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]
    assert kubernetes_environments_equal(env, {"A": "1", "B": "2"})
    assert not kubernetes_environments_equal(env, {"A": "1"})
    with pytest.raises(TypeError, match="swapped"):
        kubernetes_environments_equal({"A": "1"}, env)  # type: ignore[arg-type]


def test_assert_blocks_equal_and_result_assertions(tmp_path):
    from headrace.filesystems import LocalFileSystem
    from headrace.testing.utilities import (
        assert_blocks_equal,
        assert_uses_result_serializer,
        assert_uses_result_storage,
        get_most_recent_flow_run,
    )

    storage = LocalFileSystem(basepath=str(tmp_path / "results"))
    storage.save("results")
    assert_blocks_equal(LocalFileSystem.load("results"), storage)
    with pytest.raises(AssertionError):
        assert_blocks_equal(LocalFileSystem(basepath="/elsewhere"), storage)

    @flow(result_serializer="json", persist_result=True)
    def keeps() -> dict:
        return {"a": 1}

    state = keeps(return_state=True)
    asyncio.run(assert_uses_result_serializer(state, "json"))
    with pytest.raises(AssertionError, match="does not read with 'pickle'"):
        asyncio.run(assert_uses_result_serializer(state, "pickle"))

    @flow(result_storage=storage, persist_result=True)
    def stores() -> int:
        return 3

    stored = stores(return_state=True)
    asyncio.run(assert_uses_result_storage(stored, "local-file-system/results"))
    elsewhere = LocalFileSystem(basepath=str(tmp_path / "other"))
    with pytest.raises(AssertionError, match="is not in"):
        asyncio.run(assert_uses_result_storage(stored, elsewhere))
    with pytest.raises(AssertionError, match="not persisted"):
        asyncio.run(assert_uses_result_serializer(Completed(data=1), "json"))

    assert asyncio.run(get_most_recent_flow_run(flow_name="keeps")).flow_name == "keeps"
    with pytest.raises(IndexError, match="no flow runs"):
        asyncio.run(get_most_recent_flow_run(flow_name="never-ran"))


FLOWS = """
from headrace import flow

@flow
def double(x: int) -> int:
    return 2 * x
"""


def test_arun_deployment_waits_without_blocking_the_loop(tmp_path, monkeypatch):
    from headrace.client.orchestration import get_client
    from headrace.deployments import arun_deployment, load_flow_from_source, records
    from headrace.deployments.execution import run_stored_flow_run

    (tmp_path / "flows.py").write_text(FLOWS)
    monkeypatch.setattr("sys.path", list(__import__("sys").path))
    double = load_flow_from_source(tmp_path, "flows.py:double")
    double.to_deployment("twice").apply()

    scheduled = asyncio.run(arun_deployment("double/twice", parameters={"x": 2}, timeout=0))
    assert scheduled.state_type == "SCHEDULED" and scheduled.parameters == {"x": 2}

    def worker() -> None:  # runs the next scheduled run, as a worker of the pool would
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for run in get_client(sync_client=True).read_flow_runs():
                if run.state.type.value == "SCHEDULED" and str(run.id) != scheduled.id:
                    run_stored_flow_run(double, records.run_row(str(run.id)))
                    return
            time.sleep(0.02)

    async def main() -> tuple[object, int]:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        ticker = asyncio.create_task(tick())
        run = await arun_deployment("double/twice", {"x": 5}, timeout=20, poll_interval=0.02)
        ticker.cancel()
        return run, ticks

    thread = threading.Thread(target=worker)
    thread.start()
    run, ticks = asyncio.run(main())
    thread.join()
    assert run.state_type == "COMPLETED" and run.parameters == {"x": 5}
    assert ticks > 1  # the event loop kept running while arun_deployment waited
    sys_modules = __import__("sys").modules
    sys_modules.pop("flows", None)


def test_load_flow_from_flow_run_imports_the_deployments_entrypoint(tmp_path, monkeypatch):
    from headrace.client.orchestration import get_client
    from headrace.deployments import load_flow_from_source, run_deployment
    from headrace.flows import Flow, load_flow_from_flow_run

    (tmp_path / "flows.py").write_text(FLOWS)
    monkeypatch.setattr("sys.path", list(__import__("sys").path))
    double = load_flow_from_source(tmp_path, "flows.py:double")
    double.to_deployment("twice").apply()
    requested = run_deployment("double/twice", parameters={"x": 4}, timeout=0)
    flow_run = get_client(sync_client=True).read_flow_run(requested.id)

    loaded = asyncio.run(load_flow_from_flow_run(flow_run))
    assert isinstance(loaded, Flow) and loaded.name == "double"
    assert loaded(x=4) == 8
    # Prefect's `flow.from_source`: the decorator is a FlowDecorator
    from headrace.flows import FlowDecorator

    assert isinstance(flow, FlowDecorator)
    assert flow.from_source(str(tmp_path), "flows.py:double")(x=1) == 2

    @flow
    def plain() -> None:
        pass

    state = plain(return_state=True)
    local_run = get_client(sync_client=True).read_flow_run(state.state_details.flow_run_id)
    with pytest.raises(ValueError, match="does not have an associated deployment"):
        asyncio.run(load_flow_from_flow_run(local_run))
    __import__("sys").modules.pop("flows", None)


def test_flow_run_future_follows_a_run_in_the_store(tmp_path, monkeypatch):
    from headrace.deployments import load_flow_from_source, records, run_deployment
    from headrace.deployments.execution import run_stored_flow_run
    from headrace.exceptions import MissingResult
    from headrace.futures import PrefectFlowRunFuture

    (tmp_path / "flows.py").write_text(FLOWS)
    monkeypatch.setattr("sys.path", list(__import__("sys").path))
    double = load_flow_from_source(tmp_path, "flows.py:double")
    double.to_deployment("twice").apply()
    run = run_deployment("double/twice", parameters={"x": 1}, timeout=0)

    future = PrefectFlowRunFuture(run.id)
    assert future == PrefectFlowRunFuture(run.id) and future.flow_run_id == run.id
    assert future.state.is_scheduled()
    with pytest.raises(TimeoutError, match="did not complete within"):
        future.result(timeout=0.05)
    called = threading.Event()
    future.add_done_callback(lambda f: called.set())

    run_stored_flow_run(double, records.run_row(run.id))
    assert called.wait(10)  # the watcher saw the final state in the store
    assert future.state.is_completed()
    with pytest.raises(MissingResult, match="not kept in the store"):
        future.result()
    __import__("sys").modules.pop("flows", None)

    @flow
    def broken() -> None:
        raise ValueError("boom")

    failed = PrefectFlowRunFuture(broken(return_state=True).state_details.flow_run_id)
    with pytest.raises(Exception, match="boom"):
        failed.result(timeout=5)
    assert failed.state.is_failed()
    assert PrefectFlowRunFuture("no-such-run").state.is_pending()


def test_asset_context_imports_but_refuses_use() -> None:
    """Prefect's test and user modules import AssetContext beside the names they use."""
    from headrace.context import AssetContext

    assert AssetContext.get() is None
    with pytest.raises(NotImplementedError, match=r"not provided.*docs/compatibility\.md"):
        AssetContext()


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("headrace.tasks", "MaterializingTask"),
        ("headrace.flows", "InfrastructureBoundFlow"),
        ("headrace.flows", "bind_flow_to_infrastructure"),
        ("headrace.filesystems", "SMB"),
        ("headrace.deployments", "initialize_project"),
    ],
)
def test_refused_names_say_so_and_point_at_the_compatibility_page(module, name):
    mod = importlib.import_module(module)
    with pytest.raises(NotImplementedError, match=r"not provided.*docs/compatibility\.md"):
        getattr(mod, name)
    with pytest.raises(AttributeError):
        mod.no_such_name_at_all  # noqa: B018 - other names still raise AttributeError
