"""Returning Cancelled(...) from a task or a flow."""

from prefect import flow, task
from prefect.exceptions import CancelledRun
from prefect.states import Cancelled


@task
def cancel_me():
    return Cancelled(message="stop here")


@flow
def task_cancels() -> str:
    state = cancel_me(return_state=True)
    print("task state:", state.type.value, state.name, state.message, state.is_cancelled())
    return "flow goes on"


@flow
def flow_cancels():
    return Cancelled(message="flow cancelled")


print(task_cancels())
state = flow_cancels(return_state=True)
print("flow state:", state.type.value, state.name, state.message)
try:
    flow_cancels()
except CancelledRun as exc:
    print("plain call raised:", type(exc).__name__, "|", exc)
