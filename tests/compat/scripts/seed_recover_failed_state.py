"""Seed recipe 5 "Recovering from a failed state", as written."""

from prefect import flow, task
from prefect.states import Completed, Failed


@task
def maybe_fail(x: int):
    if x < 0:
        return Failed(message=f"negative: {x}")
    return Completed(message=f"ok: {x}", data=x * 2)


@flow(log_prints=True)
def safe_flow(values: list[int]):
    for v in values:
        state = maybe_fail(v, return_state=True)
        if state.is_failed():
            print(f"SKIPPED: {state.message}")
            continue
        print(f"OK: {state.result()}")


safe_flow([1, -2, 3, -4])
