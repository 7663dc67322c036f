"""Seed "Testing patterns" with the harness: flows run inside prefect_test_harness()."""

from prefect import flow, task
from prefect.testing.utilities import prefect_test_harness


@task
def transform(rows: list[dict], min_score: int) -> list[dict]:
    return [r for r in rows if r.get("score", 0) >= min_score]


@flow
def etl(min_score: int) -> int:
    return len(transform([{"score": 10}, {"score": 80}], min_score))


@flow
def broken() -> None:
    raise ConnectionError("no-such-host.example")


with prefect_test_harness():
    print("inside harness:", etl(50))
    state = broken(return_state=True)
    print("failed state:", state.is_failed(), state.message)
print("after harness:", etl(0))
