"""2.x: an async flow awaiting submit() and future.result(), SequentialTaskRunner."""
import asyncio

from prefect import flow, task
from prefect.task_runners import SequentialTaskRunner


@task
async def fetch(x):
    return x + 1


@flow(task_runner=SequentialTaskRunner())
async def pipeline():
    fut = await fetch.submit(1)
    value = await fut.result()
    print("OUT value", value)
    direct = await fetch(10)
    print("OUT direct", direct)


if __name__ == "__main__":
    asyncio.run(pipeline())
