"""Cache policies composed with +: INPUTS + TASK_SOURCE, and FLOW_PARAMETERS."""

import uuid

from prefect import flow, task
from prefect.cache_policies import FLOW_PARAMETERS, INPUTS, TASK_SOURCE

NONCE = uuid.uuid4().hex
ran = []


@task(cache_policy=INPUTS + TASK_SOURCE)
def alpha(x: int, key: str) -> str:
    ran.append("alpha")
    return f"alpha {x}"


@task(cache_policy=INPUTS + TASK_SOURCE)
def beta(x: int, key: str) -> str:
    ran.append("beta")
    return f"beta {x}"


@task(cache_policy=FLOW_PARAMETERS)
def per_flow_params(x: int) -> str:
    ran.append(f"per_flow_params {x}")
    return f"computed for {x}"


@flow
def sources() -> None:
    print(alpha(1, NONCE), "|", beta(1, NONCE), "|", alpha(1, NONCE))


@flow
def by_flow_params(nonce: str, label: str) -> None:
    print(label, per_flow_params(1), "|", per_flow_params(2))


sources()
by_flow_params(NONCE, "first run:")
by_flow_params(NONCE, "other label:")
by_flow_params(NONCE, "first run:")
print("ran:", ran)
