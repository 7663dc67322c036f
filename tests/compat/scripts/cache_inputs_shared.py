"""cache_policy=INPUTS keys on the inputs alone: two different tasks with equal inputs share
one cache entry (task_input_hash, by contrast, includes the task)."""

import uuid

from prefect import flow, task
from prefect.cache_policies import INPUTS
from prefect.tasks import task_input_hash

NONCE = uuid.uuid4().hex
ran = []


@task(cache_policy=INPUTS)
def first(x: int, nonce: str) -> str:
    ran.append("first")
    return f"first computed {x}"


@task(cache_policy=INPUTS)
def second(x: int, nonce: str) -> str:
    ran.append("second")
    return f"second computed {x}"


@task(cache_key_fn=task_input_hash)
def third(x: int, nonce: str) -> str:
    ran.append("third")
    return f"third computed {x}"


@task(cache_key_fn=task_input_hash)
def fourth(x: int, nonce: str) -> str:
    ran.append("fourth")
    return f"fourth computed {x}"


@flow
def pipeline():
    print(first(1, NONCE))
    print(second(1, NONCE))
    print(third(2, NONCE))
    print(fourth(2, NONCE))


pipeline()
print("ran:", ran)
