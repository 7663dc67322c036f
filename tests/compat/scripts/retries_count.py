"""Retries: a task that fails twice then succeeds runs three times; exhausting retries fails."""

from prefect import flow, task

attempts = {"flaky": 0, "hopeless": 0}


@task(retries=2, retry_delay_seconds=0)
def flaky() -> str:
    attempts["flaky"] += 1
    if attempts["flaky"] < 3:
        raise ConnectionError(f"attempt {attempts['flaky']} failed")
    return f"succeeded on attempt {attempts['flaky']}"


@task(retries=3, retry_delay_seconds=0)
def hopeless() -> str:
    attempts["hopeless"] += 1
    raise ConnectionError(f"attempt {attempts['hopeless']} failed")


@flow
def pipeline():
    print(flaky())
    state = hopeless(return_state=True)
    print("hopeless:", state.name, state.is_failed(), attempts["hopeless"])
    try:
        state.result()
    except ConnectionError as exc:
        print("hopeless raised:", type(exc).__name__, exc)


pipeline()
print("attempts:", attempts)
