"""Mapping over a future's result, and passing futures as unmapped or mapped arguments."""

from prefect import flow, task, unmapped


@task
def make_list(n: int) -> list[int]:
    return list(range(n))


@task
def offset() -> int:
    return 100


@task
def add(x: int, y: int) -> int:
    return x + y


@flow
def pipeline():
    items = make_list.submit(3)
    base = offset.submit()
    print("map over a future:", [f.result() for f in add.map(items, unmapped(base))])
    firsts = [offset.submit() for _ in range(2)]
    print("map over futures:", [f.result() for f in add.map(firsts, [1, 2])])
    print("unmapped plain value:", add.map([1, 2], unmapped(5)).result())


pipeline()
