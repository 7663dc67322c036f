"""`return_state=True` on a task call hands back the final State instead of the value."""

from prefect import flow, task


@task
def ok(x: int) -> int:
    return x * 3


@task
def boom(x: int) -> int:
    raise ValueError(f"bad value {x}")


def describe(label, state):
    print(label, "class:", type(state).__name__)
    print(label, "type:", state.type.value)
    print(label, "name:", state.name)
    print(label, "is_completed:", state.is_completed())
    print(label, "is_failed:", state.is_failed())
    print(label, "is_crashed:", state.is_crashed())
    print(label, "is_final:", state.is_final())
    print(label, "message:", state.message)


@flow
def pipeline():
    good = ok(4, return_state=True)
    describe("good", good)
    print("good result:", good.result())
    bad = boom(5, return_state=True)
    describe("bad", bad)
    try:
        bad.result()
    except ValueError as exc:
        print("bad result raised:", type(exc).__name__, exc)
    print("bad result no raise:", repr(bad.result(raise_on_failure=False)))
    return "flow done"


print(pipeline())
