"""ThreadPoolTaskRunner and ProcessPoolTaskRunner: results and exceptions come back."""

from prefect import flow, task
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote


@task
def cube(x: int) -> int:
    return x**3


@task
def boom(x: int) -> int:
    raise ValueError(f"boom {x}")


@task
def kind(value) -> str:
    return type(value).__name__


@flow(task_runner=ThreadPoolTaskRunner(max_workers=2))
def threaded() -> list[int]:
    print("quote passes the value through:", kind(quote([1, 2])))
    return [f.result() for f in cube.map(range(5))]


@flow(task_runner=ProcessPoolTaskRunner(max_workers=2))
def in_processes() -> list[int]:
    futures = [cube.submit(i) for i in range(4)]
    try:
        boom.submit(3).result()
    except ValueError as exc:
        print("process task raised:", type(exc).__name__, exc)
    print("wait returns:", boom.submit(4).wait())
    return [f.result() for f in futures]


if __name__ == "__main__":
    print("threads:", threaded())
    print("processes:", in_processes())
