"""1.x: Parameters, a task chain, flow.run with and without parameters."""
from datetime import timedelta

from prefect import Flow, Parameter, task


@task
def add(x, y):
    print("OUT add", x, y)
    return x + y


@task(max_retries=1, retry_delay=timedelta(seconds=0))
def show(value):
    print("OUT total", value)


with Flow("basic") as flow:
    a = Parameter("a", default=1)
    b = Parameter("b", default=2)
    total = add(a, b)
    show(total)

flow.run(parameters={"a": 5})
flow.run()
