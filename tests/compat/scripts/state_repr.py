"""str() and repr() of states built by hand and returned by runs."""

from prefect import flow, task
from prefect.states import Cancelled, Completed, Crashed, Failed, Pending, Running


@task
def ok():
    return 5


@task
def bad():
    raise ValueError("bad thing")


for state in [
    Completed(),
    Completed(message="done"),
    Completed(data=5),
    Failed(message="boom"),
    Pending(),
    Running(),
    Crashed(message="crash"),
    Cancelled(),
]:
    print("str:", str(state))
    print("type/name:", state.type.value, state.name, state.is_final())


@flow
def pipeline():
    good = ok(return_state=True)
    failed = bad(return_state=True)
    print("run str:", str(good))
    print("failed str:", str(failed))
    print("failed message:", failed.message)


pipeline()
print("repr Failed:", repr(Failed(message="boom")))
print("repr Completed:", repr(Completed(message="done")))
