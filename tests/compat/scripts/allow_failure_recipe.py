"""Seed recipe 2: allow_failure passes a failed upstream into a downstream task."""

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


@task
def show_type(value) -> str:
    return type(value).__name__ + ": " + str(value)


@flow(log_prints=True)
def resilient_fetch():
    p_future = primary_source.submit()
    f_future = fallback_source.submit()
    result = merge(allow_failure(p_future), f_future)
    print(result)
    return result


@flow
def what_downstream_receives():
    failed = primary_source.submit()
    return show_type(allow_failure(failed))


print("returned:", resilient_fetch())
print("downstream receives:", what_downstream_receives())
