"""Subflows nest to any depth; each has its own run and parameters."""

from prefect import flow, runtime, task


@task
def inc(x: int) -> int:
    return x + 1


@flow(flow_run_name="leaf-{x}")
def leaf(x: int) -> int:
    print("leaf run:", runtime.flow_run.name, runtime.flow_run.parameters)
    return inc(x)


@flow(flow_run_name="middle-{x}")
def middle(x: int) -> int:
    return leaf(x) + leaf(x + 10)


@flow(flow_run_name="top")
def top() -> int:
    value = middle(1)
    print("top run:", runtime.flow_run.name, "value:", value)
    return value


@flow
def failing_child():
    raise ValueError("child broke")


@flow
def parent_of_failing():
    state = failing_child(return_state=True)
    print("child state:", state.name)
    try:
        failing_child()
    except ValueError as exc:
        print("child raised:", exc)
    return "parent fine"


print(top())
print(parent_of_failing())
