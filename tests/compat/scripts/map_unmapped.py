"""task.map over iterables, with unmapped constants, and the error for mismatched lengths."""

from prefect import flow, task, unmapped


@task
def scale(x: int, factor: int) -> int:
    return x * factor


@task
def join(a: str, b: str) -> str:
    return a + b


@task
def total(values: list) -> int:
    return sum(values)


@flow
def pipeline():
    futures = scale.map([1, 2, 3], unmapped(10))
    print("type:", type(futures).__name__, len(futures))
    print("results:", [f.result() for f in futures])
    print("result() on the list:", futures.result())
    print("keyword map:", [f.result() for f in scale.map(x=[4, 5], factor=unmapped(2))])
    print("two iterables:", [f.result() for f in join.map(["a", "b"], ["x", "y"])])
    print("unmapped list:", [f.result() for f in scale.map([1, 2], unmapped([0]))])
    print("futures into task:", total(scale.map([1, 2, 3], unmapped(1))))
    print("empty map:", len(scale.map([], unmapped(1))))
    try:
        join.map(["a", "b", "c"], ["x"])
    except Exception as exc:
        print("mismatched:", type(exc).__name__, exc)


pipeline()
