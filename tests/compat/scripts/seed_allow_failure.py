"""Seed recipe 2 "Conditional branching with allow_failure", as written."""

from prefect import allow_failure, flow, task


@task
def primary_source() -> dict:
    raise RuntimeError("primary down")


@task
def fallback_source() -> dict:
    return {"src": "fallback", "rows": [1, 2, 3]}


@task
def merge(primary: dict, fallback: dict) -> dict:
    return primary if primary else fallback


@flow(log_prints=True)
def resilient_fetch():
    p_future = primary_source.submit()
    f_future = fallback_source.submit()
    result = merge(allow_failure(p_future), f_future)
    print(result)


resilient_fetch()
