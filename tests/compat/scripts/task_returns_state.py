"""A task may return Completed(...) / Failed(...) itself; the state becomes the task run's."""

from prefect import flow, task
from prefect.states import Completed, Failed


@task
def judge(x: int):
    if x < 0:
        return Failed(message=f"negative: {x}")
    return Completed(message=f"ok: {x}", data=x * 2)


@flow
def with_states():
    for v in [3, -1]:
        state = judge(v, return_state=True)
        print(v, "->", state.name, state.is_completed(), state.is_failed(), state.message)
        if state.is_completed():
            print(v, "result:", state.result())


@flow
def plain_calls():
    for v in [5, -7]:
        value = judge(v)
        print(f"plain judge({v}) returns:", type(value).__name__, str(value))
        print(f"plain judge({v}) is_failed:", value.is_failed())
    print("submitted ok:", judge.submit(4).result())
    try:
        judge.submit(-4).result()
    except BaseException as exc:
        print("submitted failed raised:", type(exc).__name__, exc)
    return "plain done"


@flow
def returns_task_state_value():
    return judge(6)


with_states()
print(plain_calls())
print("flow returning judge(6):", str(returns_task_state_value()))
