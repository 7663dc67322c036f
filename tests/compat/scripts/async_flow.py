"""An async flow awaiting async tasks concurrently with asyncio.gather."""

import asyncio

from prefect import flow, task


@task
async def fetch(i: int) -> int:
    await asyncio.sleep(0.01)
    return i * 10


@task
def sync_in_async(x: int) -> int:
    return x + 1


@flow
async def gather_flow(n: int) -> list[int]:
    results = await asyncio.gather(*[fetch(i) for i in range(n)])
    plain = sync_in_async(1)
    fut = fetch.submit(7)
    return list(results) + [plain, fut.result()]


@task
async def async_fails():
    raise LookupError("async task failed")


@flow
async def async_failure():
    state = await async_fails(return_state=True)
    print("async failed state:", state.name)
    return await async_fails()


print(asyncio.run(gather_flow(4)))
try:
    asyncio.run(async_failure())
except LookupError as exc:
    print("raised:", type(exc).__name__, exc)
state = asyncio.run(gather_flow(2, return_state=True))
print("state:", state.name)
