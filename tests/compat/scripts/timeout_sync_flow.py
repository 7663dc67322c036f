"""A sync flow that overruns timeout_seconds ends TimedOut; a plain call raises."""

import time

from prefect import flow

progress = []


@flow(timeout_seconds=0.5)
def slow_flow() -> str:
    progress.append("started")
    time.sleep(3)
    progress.append("finished")
    return "not reached"


state = slow_flow(return_state=True)
print("state:", state.type.value, state.name)
print("message:", state.message)
try:
    slow_flow()
except TimeoutError as exc:
    print("plain call raised:", type(exc).__name__, "|", exc)
print("progress:", progress)
