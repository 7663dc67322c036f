"""Mixing async and sync: what calling an async task or subflow from a sync flow gives."""

import asyncio

from prefect import flow, task


@task
async def double(x: int) -> int:
    await asyncio.sleep(0.01)
    return x * 2


@flow
async def async_child(x: int) -> int:
    return await double(x) + 1


@flow
def sync_parent() -> str:
    direct = double(2)
    print("async task called in a sync flow:", type(direct).__name__)
    if asyncio.iscoroutine(direct):
        direct.close()
    child = async_child(3)
    print("async subflow called in a sync flow:", type(child).__name__)
    if asyncio.iscoroutine(child):
        child.close()
    print("async task submitted from a sync flow:", double.submit(5).result())
    print("async task mapped from a sync flow:", double.map([1, 2]).result())
    return "sync parent done"


@flow
async def async_parent() -> str:
    fut = double.submit(4)
    print("submit in an async flow, result():", fut.result())
    return "async parent done"


@flow
def plain_sync() -> int:
    return 1


async def main() -> None:
    print("sync flow called from async code:", plain_sync())


print(sync_parent())
print(asyncio.run(async_parent()))
asyncio.run(main())
