"""Seed "Concurrency limits" and recipe 3, with the HTTP call replaced by local work.

No limit is created first: Prefect logs a warning that the limit does not exist and runs
the code without acquiring a slot.
"""

from prefect import flow, task
from prefect.concurrency.sync import concurrency, rate_limit


@task
def api_call(endpoint: str) -> dict:
    with concurrency("external-api", occupy=1):
        return {"endpoint": endpoint, "ok": True}


@task
def call_third_party(endpoint: str) -> dict:
    with concurrency("third-party", occupy=1):
        rate_limit("third-party-rps", occupy=1)
        return {"endpoint": endpoint, "len": len(endpoint)}


@flow
def batch_requests(endpoints: list[str]) -> list[dict]:
    futures = [api_call.submit(ep) for ep in endpoints]
    return [f.result() for f in futures]


@flow
def fanout(endpoints: list[str]):
    futures = [call_third_party.submit(e) for e in endpoints]
    return [f.result() for f in futures]


print(batch_requests(["/a", "/bb", "/ccc"]))
print(fanout(["/x", "/yy"]))
