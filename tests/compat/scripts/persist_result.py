"""persist_result=True: the result is stored and can be read back from the state."""

import uuid

from prefect import flow, task

NONCE = uuid.uuid4().hex


@task(persist_result=True)
def produce(n: int) -> dict:
    return {"n": n, "squares": [i * i for i in range(n)]}


@task(persist_result=False)
def ephemeral(n: int) -> int:
    return n + 1


@flow(persist_result=True)
def pipeline():
    state = produce(4, return_state=True)
    print("persisted:", state.name, state.result())
    print("not persisted:", ephemeral(1))
    return {"done": True, "nonce_len": len(NONCE)}


state = pipeline(return_state=True)
print("flow state:", state.name, state.result())
