"""An async task that overruns timeout_seconds is cancelled and ends TimedOut."""

import asyncio

from prefect import flow, task

progress = []


@task(timeout_seconds=0.2)
async def slow() -> str:
    progress.append("started")
    await asyncio.sleep(5)
    progress.append("finished")
    return "finished"


@flow
async def with_state():
    state = await slow(return_state=True)
    print("state:", state.type.value, state.name)
    print("message:", state.message)
    try:
        await state.result()
    except BaseException as exc:
        print("result raised:", type(exc).__name__, "|", exc)
        print("is a TimeoutError:", isinstance(exc, TimeoutError))


@flow(timeout_seconds=0.3)
async def slow_flow():
    await asyncio.sleep(5)
    return "not reached"


asyncio.run(with_state())
state = asyncio.run(slow_flow(return_state=True))
print("flow state:", state.type.value, state.name)
print("flow message:", state.message)
print("progress:", progress)
