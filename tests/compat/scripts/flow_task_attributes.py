"""Attributes of decorated flows and tasks: names, descriptions, versions, settings."""

from prefect import Flow, Task, flow, task


@task
def plain_task(x):
    """Doubles x."""
    return 2 * x


@task(name="custom", tags=["t1"], retries=2, retry_delay_seconds=3, description="given")
def configured_task(x):
    return x


@flow
def plain_flow():
    """Runs nothing much."""


@flow(name="named", version="1.2.3", description="a described flow", retries=1)
def configured_flow():
    pass


print(isinstance(plain_task, Task), isinstance(plain_flow, Flow))
print("task:", plain_task.name, repr(plain_task.description), plain_task.retries)
print("task tags:", sorted(configured_task.tags), configured_task.name)
print("task retry settings:", configured_task.retries, configured_task.retry_delay_seconds)
print("task description:", configured_task.description)
print("flow:", plain_flow.name, repr(plain_flow.description))
print("configured flow:", configured_flow.name, configured_flow.version, configured_flow.retries)
print("flow description:", configured_flow.description)
