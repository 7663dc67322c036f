"""Flow-level retries rerun the whole flow body."""

from prefect import flow, task

runs = {"flow": 0, "task": 0}


@task
def step() -> int:
    runs["task"] += 1
    return runs["task"]


@flow(retries=2, retry_delay_seconds=0)
def flaky_flow() -> int:
    runs["flow"] += 1
    value = step()
    if runs["flow"] < 3:
        raise RuntimeError(f"flow attempt {runs['flow']} failed")
    return value


print("result:", flaky_flow())
print("runs:", runs)
