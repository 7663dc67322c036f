"""Seed "Retries and timeouts": random failure replaced by failing the first attempt; 0 s delay."""

from prefect import flow, task

attempts = []


@task(retries=3, retry_delay_seconds=0, timeout_seconds=30, log_prints=True)
def unreliable_api_call(endpoint: str) -> dict:
    attempts.append(endpoint)
    if len(attempts) == 1:
        raise ConnectionError("Simulated network failure")
    print(f"Called {endpoint} successfully")
    return {"status": "ok"}


@flow(retries=1, timeout_seconds=120, log_prints=True)
def robust_pipeline():
    result = unreliable_api_call("https://api.example.com/data")
    print(f"Result: {result}")
    return result


print(robust_pipeline())
print("attempts:", len(attempts))
