"""retry_delay_seconds as a list and as exponential_backoff; the attempt count follows retries."""

from prefect import flow, task
from prefect.tasks import exponential_backoff

attempts = {"listed": 0, "backoff": 0}


@task(retries=3, retry_delay_seconds=[0.01, 0.02, 0.03])
def listed() -> int:
    attempts["listed"] += 1
    if attempts["listed"] <= 3:
        raise OSError("not yet")
    return attempts["listed"]


@task(retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=0.01))
def backoff() -> int:
    attempts["backoff"] += 1
    if attempts["backoff"] <= 2:
        raise OSError("not yet")
    return attempts["backoff"]


@flow
def pipeline():
    print("listed succeeded on attempt", listed())
    print("backoff succeeded on attempt", backoff())


pipeline()
print("exponential_backoff(10)(4):", exponential_backoff(backoff_factor=10)(4))
print("exponential_backoff(1)(3):", exponential_backoff(backoff_factor=1)(3))
