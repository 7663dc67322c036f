"""cache_policy INPUTS and NONE, refresh_cache, and cache_expiration.

INPUTS keys on the inputs alone (see cache_inputs_shared.py), so every task here takes a
key of its own; the per-process nonce keeps earlier runs' cache entries out.
"""

import time
import uuid
from datetime import timedelta

from prefect import flow, task
from prefect.cache_policies import INPUTS, NONE

NONCE = uuid.uuid4().hex
counts = {"inputs": 0, "none": 0, "refresh": 0, "expiring": 0}


@task(cache_policy=INPUTS)
def by_inputs(x: int, key: str) -> int:
    counts["inputs"] += 1
    return x * 10


@task(cache_policy=NONE)
def never(x: int, key: str) -> int:
    counts["none"] += 1
    return x * 10


@task(cache_policy=INPUTS, refresh_cache=True)
def refreshing(x: int, key: str) -> int:
    counts["refresh"] += 1
    return counts["refresh"]


@task(cache_policy=INPUTS, cache_expiration=timedelta(seconds=1))
def expiring(x: int, key: str) -> int:
    counts["expiring"] += 1
    return counts["expiring"]


@flow
def pipeline():
    k = NONCE + "-inputs"
    print("inputs:", by_inputs(1, k), by_inputs(1, k), by_inputs(2, k))
    k = NONCE + "-none"
    print("none:", never(1, k), never(1, k))
    k = NONCE + "-refresh"
    print("refresh:", refreshing(1, k), refreshing(1, k))
    k = NONCE + "-expiring"
    first = expiring(1, k)
    again = expiring(1, k)
    time.sleep(1.2)  # let the 1 s expiration pass: expiry is the behaviour under test
    later = expiring(1, k)
    print("expiring:", first, again, later)


pipeline()
print("counts:", counts)
