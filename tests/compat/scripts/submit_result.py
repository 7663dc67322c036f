"""future.result() raises the task's exception; raise_on_failure=False returns it instead."""

from prefect import flow, task


@task
def ok():
    return "fine"


@task
def bad():
    raise ZeroDivisionError("division by zero in task")


@flow
def pipeline():
    good = ok.submit()
    print("good:", good.result())
    fut = bad.submit()
    try:
        fut.result()
    except ZeroDivisionError as exc:
        print("raised:", type(exc).__name__, exc)
    value = fut.result(raise_on_failure=False)
    print("no raise:", type(value).__name__, value)
    fut.wait()
    print("state:", fut.state.type.value, fut.state.name)
    print("good state:", good.state.name)
    return "done"


print(pipeline())
