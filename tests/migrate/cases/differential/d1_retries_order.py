"""1.x: a flaky task retried, explicit ordering with set_upstream and upstream_tasks."""
from datetime import timedelta

from prefect import Flow, task

attempts = {"n": 0}


@task(max_retries=2, retry_delay=timedelta(seconds=0))
def flaky():
    attempts["n"] += 1
    print("OUT attempt", attempts["n"])
    if attempts["n"] < 3:
        raise ValueError("not yet")
    return "done"


@task
def first():
    print("OUT first")


@task
def second():
    print("OUT second")


@task
def third(value):
    print("OUT third", value)


with Flow("order") as flow:
    f = first()
    s = second()
    s.set_upstream(f)
    result = flaky(upstream_tasks=[s])
    third(result)

flow.run()
