"""task_run_name / flow_run_name templates and callables, read back through runtime."""

from prefect import flow, runtime, task


@task(task_run_name="load-{table}-{n}")
def load(table: str, n: int) -> str:
    return runtime.task_run.name


def make_name() -> str:
    return f"computed-{runtime.task_run.parameters['x']}"


@task(task_run_name=make_name)
def computed(x: int) -> str:
    return runtime.task_run.name


@flow(flow_run_name="etl-{env}")
def etl(env: str) -> list[str]:
    print("flow run name:", runtime.flow_run.name)
    return [load("users", 3), load(table="orders", n=7), computed(5)]


@flow(flow_run_name=lambda: "from-callable")
def named_by_callable() -> str:
    return runtime.flow_run.name


print(etl("prod"))
print(named_by_callable())
