"""A failed upstream future passed to a downstream task: the downstream does not run."""

from prefect import flow, task

ran = []


@task
def upstream():
    raise ValueError("upstream broke")


@task
def downstream(x):
    ran.append(x)
    return x


@flow
def state_of_downstream():
    fut = upstream.submit()
    state = downstream(fut, return_state=True)
    print("downstream state:", state.type.value, state.name)
    print("message mentions upstream:", "upstream" in (state.message or "").lower())
    try:
        state.result()
    except BaseException as exc:
        print("downstream result raised:", type(exc).__name__)
    return "flow continues"


@flow
def plain_call_of_downstream():
    fut = upstream.submit()
    try:
        value = downstream(fut)
    except BaseException as exc:
        print("plain downstream call raised:", type(exc).__name__)
        return "caught"
    print("plain downstream call returned:", repr(value))
    return "no exception"


@flow
def submitted_downstream():
    fut = upstream.submit()
    down = downstream.submit(fut)
    down.wait()
    print("submitted downstream state:", down.state.type.value, down.state.name)
    try:
        down.result()
    except BaseException as exc:
        print("submitted downstream result raised:", type(exc).__name__)
    return "submitted done"


print(state_of_downstream())
print(plain_call_of_downstream())
print(submitted_downstream(return_state=True).name)
print("downstream ran:", ran)
