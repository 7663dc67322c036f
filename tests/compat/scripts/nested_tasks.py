"""A task may call another task; both run as task runs."""

from prefect import flow, runtime, task

names = []


@task(task_run_name="inner-{x}")
def inner(x: int) -> int:
    names.append(runtime.task_run.name)
    return x + 1


@task(task_run_name="outer-{x}")
def outer(x: int) -> int:
    names.append(runtime.task_run.name)
    value = inner(x) * 10
    names.append(runtime.task_run.name)
    return value


@flow
def nested() -> int:
    return outer(1)


print("result:", nested())
print("run names seen:", names)
