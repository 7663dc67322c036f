"""Mapping over mapped futures when one upstream element failed: only its child is NotReady."""

from prefect import flow, task


@task
def check(x: int) -> int:
    if x == 2:
        raise ValueError("two is not allowed")
    return x


@task
def plus(x: int) -> int:
    return x + 100


@flow
def pipeline() -> list:
    ups = check.map([1, 2, 3])
    downs = plus.map(ups)
    downs.wait()
    print("upstream states:", [u.state.name for u in ups])
    print("downstream states:", [d.state.name for d in downs])
    print("results:", [d.result(raise_on_failure=False) for d in downs if d.state.is_completed()])
    return "mapped"


state = pipeline(return_state=True)
print("flow:", state.name, state.result())
