"""Futures nested in lists, dicts and tuples are resolved before the downstream task runs."""

from prefect import flow, task


@task
def square(x: int) -> int:
    return x * x


@task
def describe(value) -> str:
    return f"{type(value).__name__} {value!r}"


@flow
def pipeline():
    futures = [square.submit(i) for i in range(4)]
    print(describe(futures))
    print(describe({"a": futures[1], "b": [futures[2], futures[3]]}))
    print(describe((futures[0], futures[3])))
    print(describe(futures[2]))
    print(describe({"plain": 1}))


pipeline()
