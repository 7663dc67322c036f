"""A sync task that overruns timeout_seconds ends TimedOut; what the caller sees."""

import time

from prefect import flow, task


@task(timeout_seconds=0.5)
def slow() -> str:
    time.sleep(1.5)
    return "finished"


@flow
def with_state():
    state = slow(return_state=True)
    print("state:", state.type.value, state.name, state.is_failed())
    print("message:", state.message)
    try:
        state.result()
    except BaseException as exc:
        print("result raised:", type(exc).__name__, "|", exc)
        print("is a TimeoutError:", isinstance(exc, TimeoutError))
    return "flow done"


@flow
def plain():
    return slow()


print(with_state())
try:
    plain()
except BaseException as exc:
    print("plain raised:", type(exc).__name__, "|", exc)
