"""runtime.flow_run.parameters and runtime.task_run.parameters from inside runs."""

from prefect import flow, runtime, task


@task
def inner(a: int, b: str = "x") -> dict:
    return {
        "task_params": runtime.task_run.parameters,
        "flow_params_seen_from_task": runtime.flow_run.parameters,
    }


@flow
def outer(n: int, label: str = "default", options: dict | None = None) -> dict:
    print("flow params:", runtime.flow_run.parameters)
    return inner(n, b=label)


print(outer(3))
print(outer(4, label="given", options={"k": 1}))
print("outside a run:", runtime.flow_run.parameters, repr(runtime.flow_run.name))
print("outside task run:", repr(runtime.task_run.name), runtime.task_run.tags)
