"""One method name for sync and async code (Prefect 3's `async_dispatch`): a value in sync
code, an awaitable in async code, `_sync=` to choose, and the explicit `a*` twins."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from headrace import flow, task
from headrace.blocks.system import Secret
from headrace.states import Completed, Failed, raise_state_exception
from headrace.utilities.asyncutils import async_dispatch, in_async_context, sync_compatible
from headrace.variables import Variable


def test_variables_return_values_in_sync_code() -> None:
    created = Variable.set("region", "eu-west-1")
    assert created.value == "eu-west-1"
    assert Variable.get("region") == "eu-west-1"
    assert Variable.get("missing", default=3) == 3
    assert Variable.unset("region") is True


def test_variables_are_awaitable_in_async_code() -> None:
    async def main() -> tuple[object, object, object]:
        pending = Variable.set("color", "blue")
        assert inspect.isawaitable(pending)
        await pending
        value = await Variable.get("color")
        plain = Variable.get("color", _sync=True)  # `_sync=True`: the value, even here
        twin = await Variable.aget("color")
        return value, plain, twin

    assert asyncio.run(main()) == ("blue", "blue", "blue")


def test_async_flows_get_awaitables_and_sync_flows_values() -> None:
    Variable.set("threshold", 7)

    @flow
    def sync_flow() -> int:
        return Variable.get("threshold")

    @flow
    async def async_flow() -> tuple[int, int]:
        inner = sync_flow()  # a sync flow called from async code still gets values
        return await Variable.get("threshold"), inner

    assert sync_flow() == 7
    assert asyncio.run(async_flow()) == (7, 7)


def test_state_result_in_async_task_is_awaitable() -> None:
    @task
    async def produce() -> int:
        return 41

    @flow
    async def pipeline() -> int:
        state = await produce(return_state=True)
        awaitable = state.result()
        assert inspect.isawaitable(awaitable)
        return await awaitable + state.result(_sync=True) - 41 + 1

    assert asyncio.run(pipeline()) == 42
    assert Completed(data=5).result() == 5


def test_raise_state_exception_both_ways() -> None:
    failed = Failed(data=ValueError("boom"))
    with pytest.raises(ValueError, match="boom"):
        raise_state_exception(failed)

    async def main() -> None:
        await raise_state_exception(failed)

    with pytest.raises(ValueError, match="boom"):
        asyncio.run(main())
    assert raise_state_exception(Completed()) is None


def test_blocks_load_save_and_delete_both_ways() -> None:
    Secret(value="s3cr3t").save("token")
    assert Secret.load("token").get() == "s3cr3t"

    async def main() -> str:
        block = await Secret.load("token")
        await Secret(value="other").save("token", overwrite=True)
        value = (await Secret.aload("token")).get()
        await Secret.delete("token")
        return block.get() + "/" + value

    assert asyncio.run(main()) == "s3cr3t/other"


def test_async_dispatch_and_sync_compatible_for_library_code() -> None:
    async def afetch(x: int) -> int:
        return x + 1

    @async_dispatch(afetch)
    def fetch(x: int) -> int:
        return x + 100

    @sync_compatible
    async def compute(x: int) -> int:
        await asyncio.sleep(0)
        return x * 2

    assert fetch(1) == 101
    assert compute(4) == 8
    assert fetch.aio is afetch and compute.aio.__name__ == "compute"

    async def main() -> tuple[int, int, int]:
        assert in_async_context()
        return await fetch(1), await compute(5), fetch(1, _sync=True)

    assert asyncio.run(main()) == (2, 10, 101)
    assert not in_async_context()
    with pytest.raises(TypeError, match="async function"):
        async_dispatch(lambda: None)
