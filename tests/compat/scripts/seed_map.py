"""Seed recipe 4 "Map fan-out with .map()"."""

from prefect import flow, task


@task
def process(item: int) -> int:
    return item * item


@flow
def map_pipeline(items: list[int]) -> list[int]:
    futures = process.map(items)
    return [f.result() for f in futures]


print(map_pipeline(list(range(10))))
