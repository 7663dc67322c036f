"""How a flow's final state is decided by its return value."""

from prefect import flow, task
from prefect.states import Completed, Failed


@task
def boom():
    raise ValueError("task failed")


@task
def fine():
    return 1


@flow
def submitted_failure_not_resolved():
    boom.submit()
    return "done"


@flow
def returns_failed_future():
    return boom.submit()


@flow
def returns_failed_state():
    return boom(return_state=True)


@flow
def returns_manual_failed():
    return Failed(message="manual failure")


@flow
def returns_manual_completed():
    return Completed(message="all good", data=7)


@flow
def returns_mixed_list():
    return [fine.submit(), boom.submit()]


@flow
def raises():
    raise KeyError("flow key error")


for f in [
    submitted_failure_not_resolved,
    returns_failed_future,
    returns_failed_state,
    returns_manual_failed,
    returns_manual_completed,
    returns_mixed_list,
    raises,
]:
    state = f(return_state=True)
    print(f.__name__, "->", state.type.value, state.name, repr(state.message))

print("plain call of submitted_failure_not_resolved:", submitted_failure_not_resolved())
print("plain call of returns_manual_completed:", returns_manual_completed())
for f in [returns_failed_future, returns_failed_state, returns_manual_failed, raises]:
    try:
        print(f.__name__, "returned", f())
    except BaseException as exc:
        print(f.__name__, "raised", type(exc).__name__, str(exc))
