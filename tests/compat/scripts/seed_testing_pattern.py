"""Seed "Testing patterns": `.fn` for pure logic and return_state for asserting on failure."""

from prefect import flow, task


@task
def transform(rows: list[dict], min_score: int) -> list[dict]:
    return [r for r in rows if r.get("score", 0) >= min_score]


@task
def extract(source: str) -> list[dict]:
    if source.startswith("bad://"):
        raise ConnectionError(f"cannot reach {source}")
    return [{"score": 10}, {"score": 80}]


@flow
def etl(source: str, min_score: int = 50) -> int:
    return len(transform(extract(source), min_score))


result = transform.fn([{"score": 10}, {"score": 80}], min_score=50)
assert result == [{"score": 80}]
print("fn:", result)
n = etl("good://source", min_score=0)
assert n >= 0
print("end to end:", n)
state = etl("bad://no-such-host.example", return_state=True)
assert state.is_failed()
print("bad url:", state.is_failed(), state.message)
